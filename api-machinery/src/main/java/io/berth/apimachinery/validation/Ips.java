package io.berth.apimachinery.validation;

import java.util.regex.Pattern;

/** IP and CIDR syntax checks without name lookups. */
final class Ips {

    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private Ips() {
    }

    static boolean isIpv4(String s) {
        return s != null && IPV4.matcher(s).matches();
    }

    static boolean isIpv6(String s) {
        if (s == null || !s.contains(":") || !IPV6_CHARS.matcher(s).matches()) {
            return false;
        }
        try {
            // a literal with ':' is parsed, never looked up
            return java.net.InetAddress.getByName(s) instanceof java.net.Inet6Address
                    || s.contains(".");
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    static boolean isIp(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    /** Parses {@code ip/prefix}; returns the prefix length, or -1 when the text is not a CIDR. */
    static int prefixLength(String cidr) {
        if (cidr == null) {
            return -1;
        }
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return -1;
        }
        String ip = cidr.substring(0, slash);
        int bits = isIpv4(ip) ? 32 : isIpv6(ip) ? 128 : -1;
        if (bits < 0) {
            return -1;
        }
        try {
            int len = Integer.parseInt(cidr.substring(slash + 1));
            return len >= 0 && len <= bits ? len : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The address of a CIDR as bytes, or null. */
    static byte[] address(String cidr) {
        try {
            return java.net.InetAddress.getByName(cidr.substring(0, cidr.indexOf('/'))).getAddress();
        } catch (java.net.UnknownHostException | RuntimeException e) {
            return null;
        }
    }

    /** Whether {@code inner} lies inside {@code outer} and is strictly smaller. */
    static boolean strictSubset(String outer, String inner) {
        int outerLen = prefixLength(outer);
        int innerLen = prefixLength(inner);
        byte[] a = address(outer);
        byte[] b = address(inner);
        if (outerLen < 0 || innerLen < 0 || a == null || b == null || a.length != b.length) {
            return false;
        }
        if (outerLen >= innerLen) {
            return false;
        }
        for (int bit = 0; bit < outerLen; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
