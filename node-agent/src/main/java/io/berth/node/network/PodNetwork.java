package io.berth.node.network;

import io.berth.node.config.NodeProperties;
import io.berth.node.runtime.Commands;
import io.berth.node.runtime.NetworkNotReady;
import io.berth.node.runtime.RuntimeFailure;
import io.berth.node.status.NodeNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The node's pod network, built the way the CNI {@code bridge} plugin builds it: a Linux bridge per node (named by
 * {@link NodeProperties.Network#bridge()}) holding the pod CIDR's first address as the pods' gateway, and per pod a
 * network namespace ({@code /run/netns/berth-<bridge>-<pod uid>}) joined to the bridge by a veth pair whose pod end is
 * {@code eth0}, with an address from {@link HostLocalIpam} and a default route through the bridge.
 *
 * <p>Everything is named after the bridge, so several agents on one machine (each with its own bridge, pod CIDR and
 * state directory) never touch each other's pods. Pods on different bridges of one machine reach each other through
 * the host's routing table: IPv4 forwarding is switched on, and when the {@code FORWARD} chain drops by default the
 * bridge's traffic is accepted explicitly.
 *
 * <p>The pod CIDR is either configured ({@link NodeProperties.Network#podCidr()}) or, when it is not, unknown until
 * the Node's {@code spec.podCIDR} (from the controller manager's node IPAM) is {@linkplain #assign assigned}; until
 * then the network is {@linkplain #notReady() not ready} and {@link #attach} throws {@link NetworkNotReady}, as a
 * kubelet without a pod CIDR reports {@code NetworkReady=false}. Once known the CIDR never changes.
 *
 * <p>Thread safe. {@link #attach} and {@link #detach} are idempotent per pod uid; calls for one pod must not overlap
 * (the runtime serializes them), calls for different pods may.
 */
public final class PodNetwork implements NodeNetwork {

    private static final Logger log = LoggerFactory.getLogger(PodNetwork.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

    /** Why pods get no address while the node has no pod CIDR (ends the Ready condition's message). */
    public static final String WAITING_FOR_POD_CIDR = "the node's pod CIDR is not assigned yet: waiting for the "
            + "node's spec.podCIDR from the controller manager's node IPAM";

    private final String bridge;
    /** Where {@code ip -batch} files are written for a moment (the IPAM's directory; it reads only addresses). */
    private final Path batchDir;
    /** The addresses of the pod CIDR (it holds the CIDR); null until the CIDR is known. */
    private volatile HostLocalIpam ipam;
    private final Object bridgeLock = new Object();
    private volatile boolean bridgeReady;

    /**
     * @param network  the bridge's name and the node's pod CIDR (null: not known yet, see {@link #assign})
     * @param stateDir the agent's state directory; allocations live in {@code <stateDir>/network/<bridge>/}
     * @throws IllegalArgumentException for a bad bridge name or pod CIDR
     */
    public PodNetwork(NodeProperties.Network network, Path stateDir) {
        if (!LINK_NAME.matcher(network.bridge()).matches()) {
            throw new IllegalArgumentException("bridge name must be 1-15 letters, digits, '_', '.' or '-': "
                    + network.bridge());
        }
        this.bridge = network.bridge();
        this.batchDir = stateDir.resolve("network").resolve(bridge);
        this.ipam = network.podCidr() == null ? null : new HostLocalIpam(batchDir, Ipv4Cidr.parse(network.podCidr()));
    }

    /** {@inheritDoc} Empty once the pod CIDR is known. */
    @Override
    public Optional<String> notReady() {
        return ipam == null ? Optional.of(WAITING_FOR_POD_CIDR) : Optional.empty();
    }

    /**
     * {@inheritDoc} The first CIDR wins: a configured one, or the Node's {@code spec.podCIDR} once seen.
     */
    @Override
    public synchronized boolean assign(String podCidr) {
        Ipv4Cidr offered = Ipv4Cidr.parse(podCidr.strip());
        HostLocalIpam current = ipam;
        if (current != null) {
            if (!current.cidr().equals(offered)) {
                log.warn("bridge {} keeps pod CIDR {}: the Node's spec.podCIDR {} differs", bridge, current.cidr(),
                        offered);
            }
            return false;
        }
        ipam = new HostLocalIpam(batchDir, offered);
        log.info("bridge {}: pod CIDR {} from the Node's spec.podCIDR; pods get addresses from it now", bridge, offered);
        return true;
    }

    /** A pod's place on the network. */
    public record Attachment(String podUid, String ip, Path netns, String hostVeth) {
    }

    public String bridge() {
        return bridge;
    }

    /** The pod CIDR; empty until it is known. */
    public Optional<Ipv4Cidr> cidr() {
        HostLocalIpam current = ipam;
        return current == null ? Optional.empty() : Optional.of(current.cidr());
    }

    /** The bridge's address, the pods' gateway. @throws NetworkNotReady while the pod CIDR is not known */
    public String gatewayIp() {
        return Ipv4Cidr.format(requireIpam().cidr().gateway());
    }

    /** The IPAM of the pod CIDR. @throws NetworkNotReady while the pod CIDR is not known */
    private HostLocalIpam requireIpam() {
        HostLocalIpam current = ipam;
        if (current == null) {
            throw new NetworkNotReady(WAITING_FOR_POD_CIDR);
        }
        return current;
    }

    /** The network namespace name of a pod: {@code berth-<bridge>-<pod uid>}. */
    public String netnsName(String podUid) {
        return "berth-" + bridge + "-" + podUid;
    }

    /** The host end of a pod's veth pair: {@code bv} and 12 hex digits of a hash of bridge and uid (≤ 15 chars). */
    public String hostVeth(String podUid) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((bridge + "/" + podUid).getBytes(StandardCharsets.UTF_8));
            return "bv" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates the bridge with the gateway address, switches IPv4 forwarding on and lets the bridge's traffic through
     * a dropping {@code FORWARD} chain. Idempotent.
     *
     * @throws NetworkNotReady while the pod CIDR is not known
     */
    public void ensureBridge() {
        if (bridgeReady) {
            return;
        }
        Ipv4Cidr cidr = requireIpam().cidr();
        synchronized (bridgeLock) {
            if (bridgeReady) {
                return;
            }
            if (!linkExists(bridge)) {
                ip("create bridge " + bridge, "link", "add", "name", bridge, "type", "bridge");
            }
            String gateway = gatewayIp() + "/" + cidr.prefix();
            String addresses = ip("read the addresses of bridge " + bridge, "-4", "-o", "addr", "show", "dev", bridge);
            for (String stale : staleAddresses(addresses, gateway)) {
                // left by an earlier pod CIDR of this bridge (the old default, an earlier node): its route would
                // send another node's pod CIDR to this bridge
                log.info("removing address {} of an earlier pod CIDR from bridge {}", stale, bridge);
                ip("remove the stale address " + stale + " from bridge " + bridge, "addr", "del", stale, "dev", bridge);
            }
            if (!addresses.contains(" " + gateway + " ")) {
                ip("give bridge " + bridge + " the address " + gateway, "addr", "add", gateway, "dev", bridge);
            }
            ip("bring bridge " + bridge + " up", "link", "set", "dev", bridge, "up");
            enableForwarding();
            Forwarding.allow(bridge);
            bridgeReady = true;
        }
    }

    /**
     * Puts the pod on the network: its namespace, veth pair, address and routes. Returns what exists when the pod is
     * already attached; repairs a half-done attachment (an agent killed mid-way). On failure nothing is left behind.
     */
    public Attachment attach(String podUid) {
        HostLocalIpam ipam = requireIpam();
        Ipv4Cidr cidr = ipam.cidr();
        ensureBridge();
        String ns = netnsName(podUid);
        String veth = hostVeth(podUid);
        String ip = ipam.allocate(podUid);
        try {
            boolean fresh = !Files.exists(NETNS_DIR.resolve(ns));
            if (fresh) {
                ip("create network namespace " + ns, "netns", "add", ns);
            }
            if (fresh || !complete(ns, veth, ip, cidr)) {
                if (!fresh) {
                    removeLinks(ns, veth);
                }
                // two ip processes, not six: commands that run in one namespace go as one batch
                List<String> host = List.of("link add name " + veth + " type veth peer name eth0 netns " + ns,
                        "link set dev " + veth + " master " + bridge + " up");
                try {
                    batch("create the veth pair " + veth + " on bridge " + bridge, null, host);
                } catch (RuntimeFailure e) {
                    // a veth left by a namespace that outlived its name (a process still in it): remove, try again
                    if (!fresh || !linkExists(veth)) {
                        throw e;
                    }
                    removeLinks(ns, veth);
                    batch("create the veth pair " + veth + " on bridge " + bridge, null, host);
                }
                batch("set up the pod's eth0 with " + ip, ns, List.of(
                        "addr add " + ip + "/" + cidr.prefix() + " dev eth0",
                        "link set dev eth0 up",
                        "link set dev lo up",
                        "route replace default via " + gatewayIp() + " dev eth0"));
            }
            return new Attachment(podUid, ip, NETNS_DIR.resolve(ns), veth);
        } catch (RuntimeException e) {
            try {
                detach(podUid);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /** The pod's attachment, when it has an address and a namespace (never while the pod CIDR is not known). */
    public Optional<Attachment> find(String podUid) {
        HostLocalIpam ipam = this.ipam;
        if (ipam == null) {
            return Optional.empty();
        }
        Path ns = NETNS_DIR.resolve(netnsName(podUid));
        return ipam.find(podUid)
                .filter(ip -> Files.exists(ns))
                .map(ip -> new Attachment(podUid, ip, ns, hostVeth(podUid)));
    }

    /** Removes the pod's veth pair and namespace and releases its address. Idempotent. */
    public void detach(String podUid) {
        String veth = hostVeth(podUid);
        if (linkExists(veth)) {
            ip("remove veth " + veth, "link", "del", "dev", veth);
        }
        String ns = netnsName(podUid);
        if (Files.exists(NETNS_DIR.resolve(ns))) {
            ip("remove network namespace " + ns, "netns", "del", ns);
        }
        HostLocalIpam ipam = this.ipam;
        if (ipam != null) {
            ipam.release(podUid);
        }
    }

    /** Removes the bridge and its forwarding rules (node decommissioning and tests); pods must be detached first. */
    public void removeBridge() {
        synchronized (bridgeLock) {
            Forwarding.revoke(bridge);
            if (linkExists(bridge)) {
                ip("remove bridge " + bridge, "link", "del", "dev", bridge);
            }
            bridgeReady = false;
        }
    }

    /** The pod IP allocations (address → pod uid); none while the pod CIDR is not known. */
    public Map<String, String> allocations() {
        HostLocalIpam ipam = this.ipam;
        return ipam == null ? Map.of() : ipam.allocations();
    }

    /** The IPv4 addresses ({@code a.b.c.d/n}) in {@code ip -4 -o addr show} output other than {@code keep}. */
    static List<String> staleAddresses(String ipAddrOutput, String keep) {
        List<String> stale = new ArrayList<>();
        for (String line : ipAddrOutput.lines().toList()) {
            String[] words = line.trim().split("\\s+");
            for (int i = 0; i + 1 < words.length; i++) {
                if (words[i].equals("inet") && !words[i + 1].equals(keep)) {
                    stale.add(words[i + 1]);
                }
            }
        }
        return stale;
    }

    private void removeLinks(String ns, String veth) {
        if (linkExists(veth)) {
            ip("remove the stale veth " + veth, "link", "del", "dev", veth);
        }
        Commands.run(List.of("ip", "-n", ns, "link", "del", "dev", "eth0"), TIMEOUT);
    }

    /** Runs {@code commands} with one {@code ip -batch} in network namespace {@code ns} (null: the host's). */
    private void batch(String what, String ns, List<String> commands) {
        Path file;
        try {
            Files.createDirectories(batchDir);
            file = Files.createTempFile(batchDir, "ip-", ".batch");
            Files.write(file, commands);
        } catch (IOException e) {
            throw new RuntimeFailure(what + ": cannot write the ip batch: " + e.getMessage(), e);
        }
        try {
            List<String> argv = new ArrayList<>(List.of("ip"));
            if (ns != null) {
                argv.addAll(List.of("-n", ns));
            }
            argv.addAll(List.of("-batch", file.toString()));
            Commands.check(what, argv, TIMEOUT);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file in the agent's own directory; the next batch does not need it gone
            }
        }
    }

    static boolean linkExists(String name) {
        return Commands.run(List.of("ip", "link", "show", "dev", name), TIMEOUT).ok();
    }

    private boolean complete(String ns, String veth, String ip, Ipv4Cidr cidr) {
        if (!linkExists(veth)) {
            return false;
        }
        Commands.Result addr = Commands.run(List.of("ip", "-n", ns, "-4", "-o", "addr", "show", "dev", "eth0"),
                TIMEOUT);
        Commands.Result route = Commands.run(List.of("ip", "-n", ns, "route", "show", "default"), TIMEOUT);
        return addr.ok() && addr.stdout().contains(" " + ip + "/" + cidr.prefix() + " ")
                && route.ok() && route.stdout().contains("via " + gatewayIp() + " ");
    }

    private static void enableForwarding() {
        try {
            if (!Files.readString(IP_FORWARD).strip().equals("1")) {
                Files.writeString(IP_FORWARD, "1");
                log.info("switched IPv4 forwarding on (net.ipv4.ip_forward=1): pods reach other nodes' bridges");
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot switch IPv4 forwarding on: " + e.getMessage(), e);
        }
    }

    static String ip(String what, String... args) {
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add("ip");
        argv.addAll(List.of(args));
        return Commands.check(what, argv, TIMEOUT);
    }
}
