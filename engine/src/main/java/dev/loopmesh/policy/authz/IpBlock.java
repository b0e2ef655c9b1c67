package dev.loopmesh.policy.authz;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address or CIDR block of AuthorizationPolicy {@code ipBlocks}: {@code 127.0.0.1}, {@code 10.0.0.0/8}, {@code ::1/128}. */
public record IpBlock(String text, byte[] network, int prefix) {

    /** Parses an address or CIDR; throws IllegalArgumentException naming what is wrong. */
    public static IpBlock parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!addr.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("`" + text + "` is not an IP address or CIDR block (expected: like 10.0.0.0/8)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("`" + text + "` is not an IP address or CIDR block (expected: like 10.0.0.0/8)");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("`" + text + "`: prefix length out of range (expected: 0.." + max + ")");
            }
        }
        return new IpBlock(text, bytes, prefix);
    }

    public boolean contains(String ip) {
        if (ip == null || ip.isEmpty()) {
            return false;
        }
        byte[] b;
        try {
            if (!ip.matches("[0-9a-fA-F:.]+")) {
                return false;
            }
            b = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        if (b.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (b[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpBlock && ((IpBlock) o).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
