package dev.loopmesh.dataplane;

import dev.loopmesh.mesh.MeshFixtureAccess;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Hundreds of idle or trickling connections do not hold the gateway: other traffic is served. */
class SlowClientsTest {
    @Test
    void threeHundredIdleAndTricklingConnectionsLeaveOtherRequestsUnaffected() throws Exception {
        try (var f = MeshFixtureAccess.bookinfo()) {
            int port = f.ingressPort();
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 300; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    if (i % 2 == 0) {
                        OutputStream out = s.getOutputStream();
                        out.write("GET /productpage HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    slow.add(s);
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(f.status("/productpage")).isEqualTo(200);
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
