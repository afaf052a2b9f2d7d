package org.cipherformer.model.format;

/** Element types this project stores in safetensors files: IEEE 754 binary32 and binary64, little-endian. */
public enum DType {
    /** 4-byte float. */
    F32(4),
    /** 8-byte double. */
    F64(8);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** @return bytes per element */
    public int bytes() {
        return bytes;
    }
}
