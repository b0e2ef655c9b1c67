package dev.loopmesh.ca;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM files in and out: certificates and PKCS#8 or SEC1 ("EC PRIVATE KEY") keys. */
public final class Pem {
    private Pem() {
    }

    public static List<X509Certificate> readCertificates(Path file) {
        try {
            return parseCertificates(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    public static List<X509Certificate> parseCertificates(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new java.io.ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("no certificate (expected: -----BEGIN CERTIFICATE-----)");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

    public static PrivateKey readPrivateKey(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
            return parsePrivateKey(r);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static PrivateKey parsePrivateKey(String pem) {
        try {
            return parsePrivateKey(new StringReader(pem));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PrivateKey parsePrivateKey(Reader r) throws IOException {
        try (PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair) {
                return conv.getPrivateKey(((PEMKeyPair) o).getPrivateKeyInfo());
            }
            if (o instanceof PrivateKeyInfo) {
                return conv.getPrivateKey((PrivateKeyInfo) o);
            }
            throw new IllegalArgumentException("no private key (expected: -----BEGIN PRIVATE KEY----- or EC PRIVATE KEY)");
        }
    }

    public static String write(Object... objects) {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                if (o instanceof PrivateKey) {
                    // PKCS#8, which every tool reads (SEC1 "EC PRIVATE KEY" without the public key confuses some)
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator((PrivateKey) o, null));
                } else {
                    w.writeObject(o);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }
}
