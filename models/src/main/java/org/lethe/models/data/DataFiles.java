package org.lethe.models.data;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Reads the built-in data files from the class path (they are packaged from data/ at the repository root). */
public final class DataFiles {
    private DataFiles() {
    }

    /** The bytes of {@code lethe/data/<set>/<file>}. */
    public static byte[] read(String set, String file) {
        String path = "/lethe/data/" + set + "/" + file;
        try (InputStream in = DataFiles.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new DataException("built-in data file " + path + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new DataException("built-in data file " + path + " cannot be read: " + e.getMessage());
        }
    }

    /** {@code sha256:<hex>} of some byte arrays and option strings, in order. */
    public static String hash(Object... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Object p : parts) {
                byte[] b = p instanceof byte[] bytes ? bytes : String.valueOf(p).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                md.update(b);
                md.update((byte) 0);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Plain hex sha256 of bytes (as provenance files record it). */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
