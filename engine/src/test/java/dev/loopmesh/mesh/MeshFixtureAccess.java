package dev.loopmesh.mesh;

/** Lets tests of other packages start a whole mesh through {@link MeshFixture}. */
public final class MeshFixtureAccess implements AutoCloseable {
    private final MeshFixture f;

    private MeshFixtureAccess(MeshFixture f) {
        this.f = f;
    }

    public static MeshFixtureAccess bookinfo() {
        return new MeshFixtureAccess(MeshFixture.bookinfo(""));
    }

    public int ingressPort() {
        return f.mesh.ingressAddress().getPort();
    }

    public int status(String path) {
        return f.get(path).statusCode();
    }

    @Override
    public void close() {
        f.close();
    }
}
