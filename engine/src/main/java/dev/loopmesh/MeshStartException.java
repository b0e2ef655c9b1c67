package dev.loopmesh;

/** The mesh could not start: an address is taken, a port is out of reach. The message says which. */
public final class MeshStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MeshStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
