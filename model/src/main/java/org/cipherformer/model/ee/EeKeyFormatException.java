package org.cipherformer.model.ee;

import java.io.IOException;

/** An EE key file is not in the supported format; the message names the file and line, never key material. */
public final class EeKeyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file */
    public EeKeyFormatException(String message) {
        super(message);
    }
}
