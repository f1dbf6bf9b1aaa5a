package io.berth.node.network;

import io.berth.node.runtime.RuntimeFailure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Pod addresses from one CIDR, kept the way the CNI {@code host-local} plugin keeps them: one file per allocated
 * address, named by the address and holding its owner (the pod uid), in a directory of its own per bridge. The files
 * survive an agent restart; deleting one releases the address.
 *
 * <p>Allocation is round robin from the last address handed out ({@code last_reserved_ip}), so an address freed by a
 * deleted pod is not given to the next pod at once: connections and ARP entries aimed at the old pod fade before
 * another tenant's pod can answer on its address. Each file is created atomically (a hard link of a complete temporary
 * file), so two agents sharing the directory by mistake still never hand out one address twice.
 *
 * <p>Thread safe; {@link #allocate} is idempotent per owner, {@link #release} succeeds when the owner holds nothing.
 */
public final class HostLocalIpam {

    private static final String LAST_RESERVED = "last_reserved_ip.0";

    private final Path dir;
    private final Ipv4Cidr cidr;

    public HostLocalIpam(Path dir, Ipv4Cidr cidr) {
        this.dir = dir;
        this.cidr = cidr;
    }

    public Ipv4Cidr cidr() {
        return cidr;
    }

    /** The owner's address: the one it holds, else the next free one. */
    public synchronized String allocate(String owner) {
        Optional<String> held = find(owner);
        if (held.isPresent()) {
            return held.get();
        }
        try {
            Files.createDirectories(dir);
            long first = cidr.firstPod();
            long last = cidr.lastPod();
            long size = last - first + 1;
            long start = lastReserved().filter(a -> a >= first && a <= last).map(a -> a + 1).orElse(first);
            for (long i = 0; i < size; i++) {
                long candidate = first + ((start - first + i) % size);
                String ip = Ipv4Cidr.format(candidate);
                if (claim(ip, owner)) {
                    writeAtomically(dir.resolve(LAST_RESERVED), ip);
                    return ip;
                }
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot allocate a pod IP in " + dir + ": " + e.getMessage(), e);
        }
        throw new RuntimeFailure("no free pod IP address in " + cidr + ": all " + (cidr.lastPod() - cidr.firstPod() + 1)
                + " addresses are in use");
    }

    /** The address {@code owner} holds, if any. */
    public Optional<String> find(String owner) {
        return allocations().entrySet().stream()
                .filter(e -> e.getValue().equals(owner))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** Frees every address {@code owner} holds. */
    public synchronized void release(String owner) {
        allocations().forEach((ip, holder) -> {
            if (holder.equals(owner)) {
                try {
                    Files.deleteIfExists(dir.resolve(ip));
                } catch (IOException e) {
                    throw new RuntimeFailure("cannot release pod IP " + ip + ": " + e.getMessage(), e);
                }
            }
        });
    }

    /** Every allocated address and its owner. */
    public Map<String, String> allocations() {
        Map<String, String> result = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return result;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                String name = f.getFileName().toString();
                if (isAddress(name)) {
                    try {
                        result.put(name, Files.readString(f, StandardCharsets.UTF_8).strip());
                    } catch (NoSuchFileException gone) {
                        // released while listing
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new RuntimeFailure("cannot read the pod IP allocations in " + dir + ": " + e.getMessage(), e);
        }
        return result;
    }

    private boolean claim(String ip, String owner) throws IOException {
        Path target = dir.resolve(ip);
        if (Files.exists(target)) {
            return false;
        }
        Path tmp = Files.createTempFile(dir, ".claim-", ".tmp");
        try {
            Files.writeString(tmp, owner + "\n", StandardCharsets.UTF_8);
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException taken) {
            return false;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private Optional<Long> lastReserved() {
        try {
            return Optional.of(Ipv4Cidr.address(Files.readString(dir.resolve(LAST_RESERVED)).strip()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), ".last-", ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private boolean isAddress(String name) {
        try {
            return cidr.contains(Ipv4Cidr.address(name));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
