package dev.loopmesh.mesh;

import dev.loopmesh.controlplane.PodInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** HTTP/2 over cleartext by {@code Upgrade: h2c} (RFC 7540 section 3.2) at the gateway and at a sidecar's outbound listener. */
class H2cUpgradeMeshTest {
    private MeshFixture f;

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void theGatewayUpgradesAnHttp11RequestToH2cAndAnswersItOnStreamOne() throws Exception {
        // java.net.http sends "Upgrade: h2c" with HTTP2-Settings for an http:// URI when asked for HTTP/2
        f = MeshFixture.bookinfo("");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create("http://127.0.0.1:" + f.mesh.ingressAddress().getPort() + "/productpage");
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(MeshFixture.visited(MeshFixture.JSON.readTree(first.body()))).contains("productpage-v1", "details-v1");
        // the connection stays HTTP/2 for the next request
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(second.statusCode()).isEqualTo(200);
    }

    @Test
    void anAppCanUpgradeItsConnectionToTheOutboundListener() throws Exception {
        f = MeshFixture.bookinfo("");
        PodInfo pod = f.mesh.registry().pod("productpage-v1-0").orElseThrow();
        try (Socket s = new Socket(pod.address(), pod.outboundPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /ratings/0 HTTP/1.1\r\nHost: ratings:9080\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(readHead(in)).startsWith("HTTP/1.1 101 Switching Protocols").containsIgnoringCase("upgrade: h2c");
            // the client's connection preface and (empty) SETTINGS follow the 101
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            out.flush();
            String body = stream1Body(new DataInputStream(in), out);
            assertThat(body).contains("{\"service\":\"ratings\"");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads HTTP/2 frames until stream 1 ends, ACKing the server's SETTINGS; returns stream 1's DATA. */
    private static String stream1Body(DataInputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (true) {
            int length = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int stream = in.readInt() & 0x7fffffff;
            byte[] payload = new byte[length];
            in.readFully(payload);
            if (type == 4 && (flags & 1) == 0) {
                out.write(new byte[] {0, 0, 0, 4, 1, 0, 0, 0, 0}); // SETTINGS ACK
                out.flush();
            }
            if (type == 0 && stream == 1) {
                data.write(payload);
            }
            if ((type == 0 || type == 1) && stream == 1 && (flags & 1) != 0) {
                return data.toString(StandardCharsets.UTF_8);
            }
            if (type == 7 || type == 3 && stream == 1) {
                throw new IOException("stream 1 ended with frame type " + type);
            }
        }
    }
}
