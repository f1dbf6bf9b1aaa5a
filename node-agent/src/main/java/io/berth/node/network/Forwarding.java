package io.berth.node.network;

import io.berth.node.runtime.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Lets a bridge's traffic through the host's {@code FORWARD} chain when the firewall would drop it. Both pod-to-pod
 * traffic on one bridge (with {@code br_netfilter}, bridged frames cross {@code FORWARD} too) and traffic between two
 * nodes' bridges on one machine are forwarded traffic.
 *
 * <p>Nothing is added when the chain accepts by default and holds no dropping rule (the usual case, and this
 * project's CI machine): the host's firewall is only touched when it must be. An nftables base chain of another table
 * that drops on the forward hook cannot be overridden from here (a drop in any base chain is final); it is reported.
 */
final class Forwarding {

    private static final Logger log = LoggerFactory.getLogger(Forwarding.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Both back ends: on a host where each holds tables, a packet crosses both FORWARD chains. */
    private static final List<String> IPTABLES = List.of("iptables", "iptables-legacy");

    private Forwarding() {
    }

    static void allow(String bridge) {
        for (String iptables : IPTABLES) {
            if (!Commands.installed(iptables)) {
                continue;
            }
            Commands.Result chain = Commands.run(List.of(iptables, "-w", "-S", "FORWARD"), TIMEOUT);
            if (chain.ok() && drops(chain.stdout())) {
                for (String direction : List.of("-i", "-o")) {
                    if (!Commands.run(rule(iptables, "-C", direction, bridge), TIMEOUT).ok()) {
                        Commands.check("accept forwarded traffic of bridge " + bridge,
                                rule(iptables, "-I", direction, bridge), TIMEOUT);
                    }
                }
                log.info("{}: the FORWARD chain drops; accepted traffic from and to bridge {}", iptables, bridge);
            }
        }
        if (Commands.installed("nft")) {
            Commands.Result ruleset = Commands.run(List.of("nft", "list", "ruleset"), TIMEOUT);
            if (ruleset.ok() && nftForwardDrops(ruleset.stdout())) {
                log.warn("an nftables chain on the forward hook drops by default; traffic between pods of bridge {} "
                        + "may be dropped unless that chain accepts it", bridge);
            }
        }
    }

    static void revoke(String bridge) {
        for (String iptables : IPTABLES) {
            if (!Commands.installed(iptables)) {
                continue;
            }
            for (String direction : List.of("-i", "-o")) {
                while (Commands.run(rule(iptables, "-C", direction, bridge), TIMEOUT).ok()) {
                    Commands.check("remove the forwarding rule of bridge " + bridge,
                            rule(iptables, "-D", direction, bridge), TIMEOUT);
                }
            }
        }
    }

    /** True when {@code iptables -S FORWARD} output has a non-ACCEPT policy or a DROP/REJECT rule. */
    static boolean drops(String chain) {
        for (String line : chain.split("\n")) {
            String l = line.strip();
            if (l.startsWith("-P FORWARD") && !l.endsWith("ACCEPT")) {
                return true;
            }
            if (l.startsWith("-A FORWARD") && (l.endsWith("-j DROP") || l.contains("-j REJECT"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * True when a chain hooks forward with {@code policy drop}, other than iptables-nft's own {@code ip filter}
     * table (handled through {@code iptables} above).
     */
    static boolean nftForwardDrops(String ruleset) {
        String table = "";
        for (String line : ruleset.split("\n")) {
            String l = line.strip();
            if (l.startsWith("table ")) {
                table = l;
            }
            if (l.contains("hook forward") && l.contains("policy drop") && !table.startsWith("table ip filter ")) {
                return true;
            }
        }
        return false;
    }

    private static List<String> rule(String iptables, String op, String direction, String bridge) {
        return List.of(iptables, "-w", op, "FORWARD", direction, bridge, "-j", "ACCEPT");
    }
}
