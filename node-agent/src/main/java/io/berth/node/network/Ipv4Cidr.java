package io.berth.node.network;

/**
 * An IPv4 network such as {@code 10.244.0.0/24}: its first address is the pod gateway (the bridge), the addresses
 * after it up to the last before broadcast are the pods'.
 *
 * @param network the network address as an unsigned 32-bit value
 * @param prefix  the prefix length (at most 30: a pod network needs a gateway and a pod)
 */
public record Ipv4Cidr(long network, int prefix) {

    public Ipv4Cidr {
        if (prefix < 8 || prefix > 30) {
            throw new IllegalArgumentException("pod CIDR prefix must be between /8 and /30, not /" + prefix);
        }
        long mask = mask(prefix);
        if ((network & mask) != network) {
            throw new IllegalArgumentException(format(network) + "/" + prefix + " has host bits set");
        }
    }

    /** Parses {@code a.b.c.d/n}. */
    public static Ipv4Cidr parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not a CIDR (a.b.c.d/n): " + cidr);
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR (a.b.c.d/n): " + cidr);
        }
        return new Ipv4Cidr(address(cidr.substring(0, slash)), prefix);
    }

    /** Parses a dotted-quad address into an unsigned 32-bit value. */
    public static long address(String dotted) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        long value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            if (octet < 0 || octet > 255 || part.isEmpty() || part.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    public static String format(long address) {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "."
                + (address & 255);
    }

    private static long mask(int prefix) {
        return (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    /** The bridge's address: the network's first. */
    public long gateway() {
        return network + 1;
    }

    /** The first address a pod may get. */
    public long firstPod() {
        return network + 2;
    }

    /** The last address a pod may get (the one before broadcast). */
    public long lastPod() {
        return network + (1L << (32 - prefix)) - 2;
    }

    public boolean contains(long address) {
        return (address & mask(prefix)) == network;
    }

    @Override
    public String toString() {
        return format(network) + "/" + prefix;
    }
}
