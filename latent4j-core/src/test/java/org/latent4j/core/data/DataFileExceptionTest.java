package org.latent4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DataFileExceptionTest {
    @Test
    void controlCharactersQuotedFromAFileAreEscapedSoTheMessageStaysOneLine() {
        DataFileException e = new DataFileException("x.npy", "header ends in {'a': 1}\n\u0000\tjunk\r\u2028");
        assertEquals("x.npy: header ends in {'a': 1}\\n\\u0000\\tjunk\\r\\u2028", e.getMessage());
        assertEquals("header ends in {'a': 1}\\n\\u0000\\tjunk\\r\\u2028", e.problem());
        assertEquals("x.npy: plain text is kept as it is", new DataFileException("x.npy", "plain text is kept as it is").getMessage());
    }
}
