package org.lethe.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values from files reach error messages quoted, escaped and short. */
class MessagesTest {
    @Test
    void quotesEscapeControlCharactersAndCut() {
        assertEquals("'plain'", Messages.quote("plain"));
        assertEquals("'a\\nb\\r\\tc\\u001b[31m\\u202e\\u2028'", Messages.quote("a\nb\r\tc\u001b[31m\u202e\u2028"));
        assertEquals("'it\\'s a\\\\b'", Messages.quote("it's a\\b"));
        assertEquals("'" + "x".repeat(Messages.MAX_QUOTED) + "...'", Messages.quote("x".repeat(1000)));
        assertEquals("null", Messages.quote(null));
    }

    @Test
    void oneLineKeepsQuotesAndCutsLongMessages() {
        assertEquals("Unexpected character ('x' (code 120)) at line\\n2", Messages.oneLine("Unexpected character ('x' (code 120)) at line\n2"));
        assertEquals("y".repeat(Messages.MAX_LINE) + "...", Messages.oneLine("y".repeat(5000)));
        assertEquals("null", Messages.oneLine(null));
    }
}
