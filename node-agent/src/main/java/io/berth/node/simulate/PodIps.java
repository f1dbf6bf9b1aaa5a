package io.berth.node.simulate;

import java.util.BitSet;

/**
 * Fake pod IPs, unique per pod: node {@code i} hands out the hosts 1 to 254 of its block
 * {@code 10.<i/256>.<i%256>.0/24} ({@link NodeTemplate#podCidr}), lowest free first, and takes them back when the pod
 * is gone. Nothing routes them; they only have to look like a pod network and never repeat among live pods. An
 * address a previous run of the simulator wrote into a pod's status is reserved again, so restarts keep them.
 * Thread safe.
 */
final class PodIps {

    private static final int HOSTS = 254;

    private final BitSet[] used;

    PodIps(int nodes) {
        used = new BitSet[nodes];
        for (int i = 0; i < nodes; i++) {
            used[i] = new BitSet(HOSTS + 1);
        }
    }

    /**
     * {@code existing} if it lies in node {@code node}'s block and is free (taking it), else the lowest free
     * address; null when all 254 are taken.
     */
    String allocate(int node, String existing) {
        BitSet hosts = used[node];
        synchronized (hosts) {
            int host = host(node, existing);
            if (host < 1 || hosts.get(host)) {
                host = hosts.nextClearBit(1);
                if (host > HOSTS) {
                    return null;
                }
            }
            hosts.set(host);
            return address(node, host);
        }
    }

    /** Gives {@code ip} back to node {@code node}'s block; anything outside the block is ignored. */
    void release(int node, String ip) {
        int host = host(node, ip);
        if (host >= 1) {
            BitSet hosts = used[node];
            synchronized (hosts) {
                hosts.clear(host);
            }
        }
    }

    static String address(int node, int host) {
        return "10." + (node >> 8) + "." + (node & 0xff) + "." + host;
    }

    /** The host part of {@code ip} if it lies in node {@code node}'s block, else -1. */
    static int host(int node, String ip) {
        String prefix = "10." + (node >> 8) + "." + (node & 0xff) + ".";
        if (ip == null || !ip.startsWith(prefix)) {
            return -1;
        }
        try {
            int host = Integer.parseInt(ip.substring(prefix.length()));
            return host >= 1 && host <= HOSTS ? host : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
