package org.lethe.models.data;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.lethe.models.Messages;

/**
 * A numeric table from CSV text with a header row, checked cell by cell: every problem is a
 * {@link DataException} naming the file, the line and the column (an empty file, a ragged row, a
 * missing or non-numeric value, NaN or infinity, a repeated column name).
 */
final class CsvTable {
    /** Longest column name accepted, in characters. */
    static final int MAX_NAME = 200;

    final List<String> columns;
    final double[][] values;

    private CsvTable(List<String> columns, double[][] values) {
        this.columns = columns;
        this.values = values;
    }

    static CsvTable parse(String file, byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DataException(file + ": not UTF-8 text");
        }
        if (text.isBlank()) {
            throw new DataException(file + ": the file is empty");
        }
        CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).setAllowMissingColumnNames(true).setDuplicateHeaderMode(
                        org.apache.commons.csv.DuplicateHeaderMode.ALLOW_ALL).get();
        long lastLine = 1;
        try (Reader r = new StringReader(text); CSVParser parser = CSVParser.builder().setReader(r).setFormat(format).get()) {
            List<String> header = parser.getHeaderNames();
            if (header.isEmpty()) {
                throw new DataException(file + ": line 1 has no column names");
            }
            for (int c = 0; c < header.size(); c++) {
                if (header.get(c) == null || header.get(c).isBlank()) {
                    throw new DataException(file + ": line 1, column " + (c + 1) + ": the column has no name");
                }
                if (header.get(c).length() > MAX_NAME) {
                    throw new DataException(file + ": line 1, column " + (c + 1) + ": the column name is longer than "
                            + MAX_NAME + " characters");
                }
                int first = header.indexOf(header.get(c));
                if (first < c) {
                    throw new DataException(file + ": line 1: the column name " + Messages.quote(header.get(c)) + " appears twice (columns "
                            + (first + 1) + " and " + (c + 1) + ")");
                }
            }
            List<double[]> rows = new ArrayList<>();
            for (CSVRecord rec : parser) {
                long line = rec.getParser().getCurrentLineNumber();
                if (rec.size() != header.size()) {
                    throw new DataException(file + ": line " + line + " has " + rec.size() + " fields, the header has "
                            + header.size());
                }
                double[] row = new double[header.size()];
                for (int c = 0; c < row.length; c++) {
                    String cell = rec.get(c);
                    String where = file + ": line " + line + ", column " + Messages.quote(header.get(c));
                    if (cell.isEmpty() || cell.equalsIgnoreCase("NA")) {
                        throw new DataException(where + ": missing value");
                    }
                    double v;
                    try {
                        v = Double.parseDouble(cell);
                    } catch (NumberFormatException e) {
                        throw new DataException(where + ": " + Messages.quote(cell) + " is not a number");
                    }
                    if (!Double.isFinite(v)) {
                        throw new DataException(where + ": " + Messages.quote(cell) + " is not a finite number");
                    }
                    if (Math.abs(v) > Float.MAX_VALUE) {
                        throw new DataException(where + ": " + Messages.quote(cell) + " is beyond the float32 range (about "
                                + "3.4e38) that models compute in");
                    }
                    row[c] = v;
                }
                rows.add(row);
                lastLine = line;
            }
            if (rows.isEmpty()) {
                throw new DataException(file + ": no data rows after the header");
            }
            return new CsvTable(List.copyOf(header), rows.toArray(new double[0][]));
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ": line 1: " + Messages.oneLine(e.getMessage()));
        } catch (IOException | java.io.UncheckedIOException e) {
            Throwable t = e;
            while (t.getCause() != null) {
                t = t.getCause();
            }
            String m = Messages.oneLine(String.valueOf(t.getMessage()));
            java.util.regex.Matcher at = java.util.regex.Pattern.compile("\\(startline (\\d+)\\)\\s*(.*)").matcher(m);
            throw new DataException(at.matches() ? file + ": line " + at.group(1) + ": malformed CSV (" + at.group(2) + ")"
                    : file + ": line " + (lastLine + 1) + ": malformed CSV (" + m + ")");
        }
    }

    int column(String file, String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            String all = String.join(", ", columns);
            throw new DataException(file + ": no column " + Messages.quote(name) + "; the columns are " + Messages.oneLine(all));
        }
        return c;
    }

}
