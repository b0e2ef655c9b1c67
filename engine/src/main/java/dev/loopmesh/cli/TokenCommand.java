package dev.loopmesh.cli;

import dev.loopmesh.ca.Pem;
import dev.loopmesh.policy.authn.JwtIssuer;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code loopmesh token}: mints a test JWT signed by the mesh-local issuer key (created on first use),
 * or prints that key's JWKS to paste into a RequestAuthentication's {@code jwks}.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {"Mint a test JWT with the mesh-local issuer key, or print its JWKS (--jwks).",
                "The key is kept in --key (created on first use), so tokens and the JWKS stay valid together."})
public final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--iss", defaultValue = "loopmesh.dev/issuer", description = "Issuer (default: ${DEFAULT-VALUE}).")
    String issuer;

    @Option(names = "--sub", defaultValue = "tester", description = "Subject (default: ${DEFAULT-VALUE}).")
    String subject;

    @Option(names = "--aud", description = "Audience (repeatable).")
    List<String> audiences = new ArrayList<>();

    @Option(names = "--claim", paramLabel = "NAME=VALUE", description = "Another claim (repeatable; a value with commas becomes a list).")
    List<String> claims = new ArrayList<>();

    @Option(names = "--ttl", defaultValue = "1h", description = "Lifetime (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--alg", defaultValue = "ES256", description = "ES256 or RS256 for a new key (default: ${DEFAULT-VALUE}).")
    String alg;

    @Option(names = "--key", defaultValue = ".loopmesh/jwt-issuer-key.pem", description = "Issuer key file (default: ${DEFAULT-VALUE}).")
    Path key;

    @Option(names = "--jwks", description = "Print the JWKS instead of a token.")
    boolean jwks;

    @Override
    public Integer call() throws IOException {
        if (!alg.equals("ES256") && !alg.equals("RS256")) {
            spec.commandLine().getErr().println("error: --alg " + alg + " (expected: ES256 or RS256)");
            return LoopmeshCli.BAD_INPUT;
        }
        JwtIssuer iss = issuer(loadOrCreate());
        if (jwks) {
            spec.commandLine().getOut().println(iss.jwks());
            spec.commandLine().getOut().flush();
            return LoopmeshCli.OK;
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("sub", subject);
        Instant now = Instant.now();
        c.put("iat", now.getEpochSecond());
        c.put("exp", now.plus(dev.loopmesh.topology.Durations.parse(ttl)).getEpochSecond());
        if (!audiences.isEmpty()) {
            c.put("aud", audiences.size() == 1 ? audiences.get(0) : audiences);
        }
        for (String kv : claims) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                spec.commandLine().getErr().println("error: --claim " + kv + " (expected: NAME=VALUE)");
                return LoopmeshCli.BAD_INPUT;
            }
            String v = kv.substring(eq + 1);
            c.put(kv.substring(0, eq), v.contains(",") ? List.of(v.split(",")) : v);
        }
        spec.commandLine().getOut().println(iss.mint(c));
        spec.commandLine().getOut().flush();
        return LoopmeshCli.OK;
    }

    private JwtIssuer issuer(KeyPair kp) {
        String a = kp.getPrivate().getAlgorithm().startsWith("RSA") ? "RS256" : "ES256";
        return new JwtIssuer(issuer, a, JwtIssuer.thumbprint(kp), kp);
    }

    private KeyPair loadOrCreate() throws IOException {
        if (Files.exists(key)) {
            try (Reader r = Files.newBufferedReader(key); PEMParser p = new PEMParser(r)) {
                JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
                Object first = p.readObject();
                Object second = p.readObject();
                if (first instanceof org.bouncycastle.asn1.pkcs.PrivateKeyInfo && second instanceof org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) {
                    return new KeyPair(conv.getPublicKey((org.bouncycastle.asn1.x509.SubjectPublicKeyInfo) second),
                            conv.getPrivateKey((org.bouncycastle.asn1.pkcs.PrivateKeyInfo) first));
                }
                if (first instanceof PEMKeyPair && ((PEMKeyPair) first).getPublicKeyInfo() != null) {
                    return conv.getKeyPair((PEMKeyPair) first);
                }
                throw new IllegalArgumentException(key + ": not a key pair (expected: a private and a public key, as loopmesh token writes)");
            }
        }
        KeyPair kp = JwtIssuer.generate(issuer, alg).keys();
        if (key.toAbsolutePath().getParent() != null) {
            Files.createDirectories(key.toAbsolutePath().getParent());
        }
        Files.writeString(key, Pem.write(kp.getPrivate(), kp.getPublic()));
        return kp;
    }
}
