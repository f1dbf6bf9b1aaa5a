package io.berth.node.images;

import io.berth.node.runtime.RuntimeFailure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's image store on local disk, driven by {@code skopeo} (import into one OCI layout) and {@code umoci}
 * (unpack each image once, by manifest digest). Layout of {@code storeDir}:
 * <pre>
 *   images.json            normalized reference → image (id, entrypoint, cmd, env, workingDir, user)
 *   oci/                   the OCI image layout every import is copied into, tagged by normalized reference
 *   unpacked/&lt;hex&gt;/rootfs  each image's filesystem, the read-only lower layer of its containers' overlays
 *   .lock                  serializes imports between processes (the agent and {@code bin/berth image load})
 * </pre>
 * and of {@code containersDir}: {@code <id>/rootfs} (the container's root, an overlay mount for OCI images, a directory
 * of mount points for {@code host}), {@code <id>/upper}, {@code <id>/work}.
 *
 * <p>Must run as root (mount, and unpacking files owned by other users). Thread safe: imports are serialized,
 * {@link #prepare}/{@link #release} of one container id are serialized, different ids run in parallel. Images loaded
 * by another process over the same directory are found at once. Unpacked images are never deleted, even when a new
 * import moves their reference to another digest: running containers may still use them.
 */
public final class LocalImageStore implements ImageStore {

    private static final Duration TOOL_TIMEOUT = Duration.ofMinutes(10);
    private static final Pattern CONTAINER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
    private static final Pattern SKOPEO_MESSAGE = Pattern.compile("level=fatal msg=\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** One lock per store directory in this JVM: a file lock cannot be taken twice by one process. */
    private static final Map<Path, ReentrantLock> STORE_LOCKS = new ConcurrentHashMap<>();

    private final Path storeDir;
    private final Path containersDir;
    private final HostImage host;
    private final OciLayout layout;
    private final ImageIndex index;
    private final Object[] containerLocks = new Object[64];

    /**
     * A store over {@code storeDir} (created when missing; images already imported there are found) that prepares
     * container roots under {@code containersDir}.
     */
    public LocalImageStore(Path storeDir, Path containersDir) {
        this(storeDir, containersDir, Path.of("/"));
    }

    /** As above, with the host image built from {@code hostRoot}'s top-level directories instead of {@code /}'s. */
    LocalImageStore(Path storeDir, Path containersDir, Path hostRoot) {
        this.storeDir = checkedPath(storeDir);
        this.containersDir = checkedPath(containersDir);
        this.host = new HostImage(hostRoot);
        this.layout = new OciLayout(this.storeDir.resolve("oci"));
        this.index = new ImageIndex(this.storeDir.resolve("images.json"));
        for (int i = 0; i < containerLocks.length; i++) {
            containerLocks[i] = new Object();
        }
        try {
            Files.createDirectories(this.storeDir.resolve("unpacked"));
        } catch (IOException e) {
            throw new RuntimeFailure("cannot create the image store " + this.storeDir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Image> find(String reference) {
        if (ImageReference.isImageId(reference)) {
            return HostImage.ID.equals(reference) ? Optional.of(HostImage.image(reference))
                    : index.images().values().stream().filter(i -> i.id().equals(reference)).findFirst().map(i -> as(i, reference));
        }
        Optional<ImageReference> parsed = ImageReference.parse(reference);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        ImageReference ref = parsed.get();
        if (HostImage.is(ref)) {
            return Optional.of(HostImage.image(reference));
        }
        if (ref.tag() != null) {
            Image image = index.images().get(ref.repository() + ":" + ref.tag());
            return Optional.ofNullable(image)
                    .filter(i -> ref.digest() == null || i.id().equals(ref.digest()))
                    .map(i -> as(i, reference));
        }
        // name@digest: any tag of that repository whose manifest is that digest
        return index.images().values().stream()
                .filter(i -> i.id().equals(ref.digest()) && i.reference().startsWith(ref.repository() + ":"))
                .findFirst()
                .map(i -> as(i, reference));
    }

    @Override
    public List<Image> list() {
        List<Image> images = new ArrayList<>();
        images.add(HostImage.image("host"));
        images.addAll(index.images().values());
        return List.copyOf(images);
    }

    @Override
    public List<Image> load(Path source, String reference) {
        Path gunzipped = null;
        try {
            Path archive = source;
            if (TarEntries.isGzip(source)) {
                // skopeo reads docker-archive and oci-archive tars only uncompressed
                Path tmp = Files.createDirectories(storeDir.resolve("tmp"));
                gunzipped = Files.createTempFile(tmp, "import-", ".tar");
                Files.delete(gunzipped);
                TarEntries.gunzip(source, gunzipped);
                archive = gunzipped;
            }
            return load(source, archive, reference);
        } catch (IOException e) {
            throw new RuntimeFailure(source + ": " + ImageSource.NEITHER + " (" + e.getMessage() + ")", e);
        } finally {
            if (gunzipped != null) {
                try {
                    Files.deleteIfExists(gunzipped);
                } catch (IOException ignored) {
                    // a leftover in the store's tmp directory, harmless
                }
            }
        }
    }

    private List<Image> load(Path source, Path archive, String reference) {
        List<Planned> plan = plan(ImageSource.inspect(archive, source), reference);
        return underStoreLock(() -> {
            List<Image> loaded = new ArrayList<>();
            for (Planned planned : plan) {
                // The first name tags the copy in the store's layout; every name gets an index entry.
                String tag = planned.targets().get(0).toString();
                String destination = "oci:" + layout.dir() + ":" + tag;
                Exec.Result copy = Exec.run(List.of("skopeo", "copy", "--quiet", planned.skopeo(), destination), TOOL_TIMEOUT);
                if (copy.exitCode() != 0) {
                    throw new RuntimeFailure("importing " + source + " failed: " + skopeoMessage(copy.stderr()));
                }
                String digest = layout.digestOf(tag);
                unpack(tag, digest);
                for (ImageReference target : planned.targets()) {
                    loaded.add(layout.image(target.toString(), digest));
                }
            }
            index.put(loaded);
            return List.copyOf(loaded);
        });
    }

    @Override
    public Rootfs prepare(Image image, String containerId) {
        Path dir = containerDir(containerId);
        Path rootfs = dir.resolve("rootfs");
        synchronized (lockFor(containerId)) {
            try {
                Files.createDirectories(rootfs);
                if (HostImage.ID.equals(image.id())) {
                    return new Rootfs(rootfs, host.prepare(rootfs));
                }
                Path lower = unpackedRootfs(image.id());
                if (!Files.isDirectory(lower)) {
                    throw new RuntimeFailure("image " + image.reference() + " (" + image.id()
                            + ") is not unpacked on this node; load it again");
                }
                if (!Mounts.isMountPoint(rootfs)) {
                    Path upper = Files.createDirectories(dir.resolve("upper"));
                    Path work = Files.createDirectories(dir.resolve("work"));
                    Mounts.mountOverlay(lower, upper, work, rootfs);
                }
                return new Rootfs(rootfs, List.of());
            } catch (IOException e) {
                throw new RuntimeFailure("preparing the root filesystem of container " + containerId + " failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public void release(String containerId) {
        Path dir = containerDir(containerId);
        synchronized (lockFor(containerId)) {
            if (!Files.exists(dir)) {
                return;
            }
            Path rootfs = dir.resolve("rootfs");
            if (Mounts.isMountPoint(rootfs)) {
                Mounts.unmount(rootfs);
            }
            // Deleting through a mount would delete the mounted files (an image's, or the host's): refuse instead.
            List<Path> left = Mounts.mountsUnder(dir);
            if (!left.isEmpty()) {
                throw new RuntimeFailure("container " + containerId + "'s root filesystem still has mounts " + left
                        + "; not deleting " + dir);
            }
            try {
                deleteTree(dir);
            } catch (IOException e) {
                throw new RuntimeFailure("deleting " + dir + " failed: " + e.getMessage(), e);
            }
        }
    }

    /** The store's directory (for diagnostics and the load command). */
    public Path storeDir() {
        return storeDir;
    }

    // -----------------------------------------------------------------------------------------------------------

    /** An archive image to copy and the references it gets. */
    private record Planned(String skopeo, List<ImageReference> targets) {
    }

    private static List<Planned> plan(ImageSource source, String reference) {
        if (reference != null && !reference.isBlank()) {
            ImageReference target = ImageReference.parse(reference).filter(r -> r.digest() == null)
                    .orElseThrow(() -> new RuntimeFailure("'" + reference + "' is not a valid image reference (name[:tag])"));
            refuseHost(target, reference);
            if (source.images().size() != 1) {
                throw new RuntimeFailure("the archive holds " + source.images().size()
                        + " images; a reference can name only one (load it without a reference to keep their own names)");
            }
            return List.of(new Planned(source.images().get(0).skopeo(), List.of(target)));
        }
        List<Planned> plan = new ArrayList<>();
        for (ImageSource.Entry entry : source.images()) {
            if (entry.names().isEmpty()) {
                throw new RuntimeFailure("an image in the archive has no name; give a reference to load it as");
            }
            List<ImageReference> targets = new ArrayList<>();
            for (String name : entry.names()) {
                ImageReference target = ImageReference.parse(name).filter(r -> r.digest() == null)
                        .orElseThrow(() -> new RuntimeFailure("the archive names an image '" + name
                                + "', which is not a valid image reference; give a reference to load it as"));
                refuseHost(target, name);
                targets.add(target);
            }
            plan.add(new Planned(entry.skopeo(), List.copyOf(targets)));
        }
        return plan;
    }

    private static void refuseHost(ImageReference target, String name) {
        if (HostImage.is(target)) {
            throw new RuntimeFailure("'" + name + "' names the built-in host image; load the archive under another name");
        }
    }

    /** Unpacks image {@code digest} (tagged {@code tag}) unless a previous import did; atomic through a rename. */
    private void unpack(String tag, String digest) {
        Path target = unpackedRootfs(digest).getParent();
        if (Files.isDirectory(target)) {
            return;
        }
        Path tmp = target.resolveSibling(target.getFileName() + ".partial");
        try {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
            Exec.check("unpacking " + tag + " failed",
                    List.of("umoci", "unpack", "--image", layout.dir() + ":" + tag, tmp.toString()), TOOL_TIMEOUT);
            Files.move(tmp, target);
        } catch (IOException e) {
            throw new RuntimeFailure("unpacking " + tag + " failed: " + e.getMessage(), e);
        } finally {
            try {
                if (Files.exists(tmp)) {
                    deleteTree(tmp);
                }
            } catch (IOException ignored) {
                // the next import of this image removes it
            }
        }
    }

    private Path unpackedRootfs(String id) {
        if (!id.matches("sha256:[0-9a-f]{64}")) {
            throw new RuntimeFailure("'" + id + "' is not an image id of this store");
        }
        return storeDir.resolve("unpacked").resolve(id.substring("sha256:".length())).resolve("rootfs");
    }

    private <T> T underStoreLock(Supplier<T> work) {
        ReentrantLock lock = STORE_LOCKS.computeIfAbsent(storeDir, d -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(storeDir.resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
             FileLock ignored = channel.lock()) {
            return work.get();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot lock the image store " + storeDir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private Path containerDir(String containerId) {
        if (containerId == null || !CONTAINER_ID.matcher(containerId).matches()) {
            throw new RuntimeFailure("invalid container id '" + containerId + "'");
        }
        return containersDir.resolve(containerId);
    }

    private Object lockFor(String containerId) {
        return containerLocks[Math.floorMod(containerId.hashCode(), containerLocks.length)];
    }

    private static Image as(Image image, String reference) {
        return new Image(reference, image.id(), image.entrypoint(), image.cmd(), image.env(), image.workingDir(),
                image.user());
    }

    /** skopeo logs {@code time=... level=fatal msg="..."}; the message is what a user needs. */
    static String skopeoMessage(String stderr) {
        Matcher m = SKOPEO_MESSAGE.matcher(stderr);
        String message = m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : stderr.strip();
        return message.isEmpty() ? "skopeo failed without a message" : message;
    }

    private static Path checkedPath(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        // ':' and ',' separate overlayfs options and skopeo/umoci transport parts.
        if (absolute.toString().contains(":") || absolute.toString().contains(",")) {
            throw new RuntimeFailure(path + ": image store paths cannot contain ':' or ','");
        }
        return absolute;
    }

    /** Deletes {@code dir} without following symlinks (the host image's rootfs holds links into the host). */
    private static void deleteTree(Path dir) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
