package org.lethe.models;

/** Helpers for the one-line error messages that readers of untrusted files give. */
public final class Messages {
    /** Longest quoted value, in characters, before it is cut with an ellipsis. */
    public static final int MAX_QUOTED = 60;
    /** Longest {@link #oneLine} text, in characters, before it is cut with an ellipsis. */
    public static final int MAX_LINE = 300;

    private Messages() {
    }

    /**
     * A value taken from an input file, for an error message: in single quotes, with control
     * characters (line breaks, tabs, terminal escapes) and quotes written as Java escapes, and cut
     * after {@value #MAX_QUOTED} characters, so that the message stays one short, printable line.
     */
    public static String quote(String value) {
        if (value == null) {
            return "null";
        }
        return "'" + escape(value, MAX_QUOTED, true) + "'";
    }

    /**
     * A message from a library (a parser, the file system) or a list of names from a file, as one
     * printable line: control characters escaped as in {@link #quote} (quotes and backslashes left as
     * they are), cut after {@value #MAX_LINE} characters.
     */
    public static String oneLine(String text) {
        return escape(String.valueOf(text), MAX_LINE, false);
    }

    private static String escape(String value, int max, boolean quotes) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (int i = 0; i < value.length(); i++) {
            if (shown == max) {
                sb.append("...");
                break;
            }
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\'' -> sb.append(quotes ? "\\'" : "'");
                case '\\' -> sb.append(quotes ? "\\\\" : "\\");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.LINE_SEPARATOR
                            || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                            || Character.getType(c) == Character.FORMAT) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
            shown++;
        }
        return sb.toString();
    }
}
