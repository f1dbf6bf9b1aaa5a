package io.berth.controller.nodeipam;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 CIDR as numbers: the first and last address of the range. Immutable.
 *
 * @param first  the network address (host bits cleared)
 * @param prefix the prefix length
 * @param bits   32 or 128
 */
record Cidr(BigInteger first, int prefix, int bits) {

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+");

    /** The CIDR {@code text} ({@code 10.244.0.0/16}, {@code fd00::/48}); null when it is not one. */
    static Cidr parse(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String address = text.substring(0, slash);
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        BigInteger value;
        int bits;
        var v4 = IPV4.matcher(address);
        if (v4.matches()) {
            long n = 0;
            for (int i = 1; i <= 4; i++) {
                int octet = Integer.parseInt(v4.group(i));
                if (octet > 255) {
                    return null;
                }
                n = n << 8 | octet;
            }
            value = BigInteger.valueOf(n);
            bits = 32;
        } else if (address.contains(":") && IPV6.matcher(address).matches()) {
            try {
                // a literal (checked above), so no name lookup happens
                byte[] bytes = InetAddress.getByName(address).getAddress();
                if (bytes.length != 16) {
                    return null;
                }
                value = new BigInteger(1, bytes);
                bits = 128;
            } catch (UnknownHostException e) {
                return null;
            }
        } else {
            return null;
        }
        if (prefix < 0 || prefix > bits) {
            return null;
        }
        return new Cidr(value.shiftRight(bits - prefix).shiftLeft(bits - prefix), prefix, bits);
    }

    BigInteger last() {
        return first.add(BigInteger.ONE.shiftLeft(bits - prefix)).subtract(BigInteger.ONE);
    }

    @Override
    public String toString() {
        if (bits == 32) {
            long n = first.longValue();
            return (n >> 24 & 255) + "." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255) + "/" + prefix;
        }
        return ipv6(first) + "/" + prefix;
    }

    /** RFC 5952 text, as Go's {@code net.IP.String}: lower-case hex, the longest run of 2+ zero groups as "::". */
    private static String ipv6(BigInteger value) {
        int[] groups = new int[8];
        for (int i = 7; i >= 0; i--) {
            groups[i] = value.intValue() & 0xffff;
            value = value.shiftRight(16);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }
}
