package org.cipherformer.model.format;

/** The MLP activation of a model: exact (erf) GELU or a Chebyshev polynomial fitted to it. */
public sealed interface ActivationSpec permits ActivationSpec.Gelu, ActivationSpec.Polynomial {

    /** Exact GELU {@code x/2 (1 + erf(x / sqrt 2))} ({@code "type": "gelu"}). */
    record Gelu() implements ActivationSpec {
    }

    /**
     * A Chebyshev polynomial activation ({@code "type": "polynomial", "basis": "chebyshev"}).
     *
     * @param polynomial  domain and coefficients
     * @param approximates the function it was fitted to; format v1 knows {@code "gelu"}
     */
    record Polynomial(ChebyshevSpec polynomial, String approximates) implements ActivationSpec {
        /** @throws IllegalArgumentException if the polynomial is missing or approximates is not "gelu" */
        public Polynomial {
            if (polynomial == null) {
                throw new IllegalArgumentException("polynomial is missing");
            }
            if (!"gelu".equals(approximates)) {
                throw new IllegalArgumentException("approximates must be \"gelu\", got " + approximates);
            }
        }
    }
}
