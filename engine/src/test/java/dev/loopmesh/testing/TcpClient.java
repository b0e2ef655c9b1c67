package dev.loopmesh.testing;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/** A raw TCP client of a sidecar's outbound listener, as an app would be, over real sockets. */
public final class TcpClient {
    private TcpClient() {
    }

    /**
     * One connection to {@code host:port} (from {@code from}, or any address when null) that sends {@code bytes}
     * and reads one line: the emulated tcp app answers with its pod name first. "(closed)" when the proxy
     * closed the connection without an answer (a close with the client's bytes unread is a reset).
     */
    public static String exchange(String host, int port, String from, byte[] bytes) {
        try (Socket s = from == null ? new Socket(host, port) : new Socket(InetAddress.getByName(host), port, InetAddress.getByName(from), 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            String line;
            try {
                line = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
            } catch (java.net.SocketException reset) {
                line = null;
            }
            return line == null ? "(closed)" : line.substring(0, line.indexOf(' '));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #exchange} of one text line. */
    public static String exchange(String host, int port, String text) {
        return exchange(host, port, null, (text + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    /** The first flight of a TLS 1.3/1.2 client that names {@code sni}: a real ClientHello, as the JDK sends it. */
    public static byte[] clientHello(String sni) {
        try {
            SSLEngine engine = SSLContext.getDefault().createSSLEngine(sni, 443);
            engine.setUseClientMode(true);
            SSLParameters p = engine.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(sni)));
            engine.setSSLParameters(p);
            ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.wrap(ByteBuffer.allocate(0), out);
            out.flip();
            byte[] hello = new byte[out.remaining()];
            out.get(hello);
            return hello;
        } catch (NoSuchAlgorithmException | SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
