package org.lethe.cli;

/** The unit of each built-in target, for tables and charts. */
final class Units {
    private Units() {
    }

    static String of(String dataset) {
        switch (dataset) {
            case "concrete": return "MPa";
            case "fashion-rotation": return "degrees";
            case "taylor": return "MW";
            case "vader": return "valence";
            default: return "";
        }
    }
}
