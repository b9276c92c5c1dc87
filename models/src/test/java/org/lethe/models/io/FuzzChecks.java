package org.lethe.models.io;

final class FuzzChecks {
    private FuzzChecks() {
    }

    /** A reader's error is one line (the command line prints it as is). */
    static void oneLine(RuntimeException e) {
        String m = e.getMessage();
        if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
            throw new AssertionError("not a one-line message: " + m, e);
        }
    }
}
