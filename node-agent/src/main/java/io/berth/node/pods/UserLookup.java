package io.berth.node.pods;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image's own users and groups ({@code /etc/passwd}, {@code /etc/group} inside its root filesystem), which the
 * runtime consults as containerd and CRI-O do: to turn a user name into a uid, to find a uid's primary group when
 * no {@code runAsGroup} is given, and to add the groups that list the user.
 */
public interface UserLookup {

    /** An image without {@code /etc/passwd} or {@code /etc/group}. */
    UserLookup NONE = new UserLookup() {
        @Override
        public Optional<User> user(String name) {
            return Optional.empty();
        }

        @Override
        public Optional<User> user(long uid) {
            return Optional.empty();
        }

        @Override
        public Optional<Long> group(String name) {
            return Optional.empty();
        }

        @Override
        public List<Long> groupsListing(String userName) {
            return List.of();
        }
    };

    /**
     * A {@code passwd} entry.
     *
     * @param name the user's name
     * @param uid  its uid
     * @param gid  its primary group
     */
    record User(String name, long uid, long gid) {
    }

    Optional<User> user(String name);

    Optional<User> user(long uid);

    /** The gid of group {@code name}. */
    Optional<Long> group(String name);

    /** The gids of the groups whose member list names {@code userName} (its supplementary groups). */
    List<Long> groupsListing(String userName);

    /**
     * The users and groups of the filesystem at {@code root} ({@code root/etc/passwd}, {@code root/etc/group}), read
     * once now; missing files are empty, malformed lines are skipped as libc does.
     */
    static UserLookup fromRoot(Path root) {
        List<String[]> passwd = read(root.resolve("etc/passwd"));
        List<String[]> group = read(root.resolve("etc/group"));
        return new UserLookup() {
            @Override
            public Optional<User> user(String name) {
                return users().filter(u -> u.name().equals(name)).findFirst();
            }

            @Override
            public Optional<User> user(long uid) {
                return users().filter(u -> u.uid() == uid).findFirst();
            }

            @Override
            public Optional<Long> group(String name) {
                return group.stream().filter(g -> g.length >= 3 && g[0].equals(name))
                        .map(g -> parse(g[2])).filter(g -> g >= 0).findFirst();
            }

            @Override
            public List<Long> groupsListing(String userName) {
                List<Long> gids = new ArrayList<>();
                for (String[] g : group) {
                    if (g.length >= 4 && List.of(g[3].split(",")).contains(userName) && parse(g[2]) >= 0) {
                        gids.add(parse(g[2]));
                    }
                }
                return gids;
            }

            private java.util.stream.Stream<User> users() {
                return passwd.stream().filter(p -> p.length >= 4 && parse(p[2]) >= 0 && parse(p[3]) >= 0)
                        .map(p -> new User(p[0], parse(p[2]), parse(p[3])));
            }
        };
    }

    private static List<String[]> read(Path file) {
        try {
            // decoded leniently: a stray byte must not make the whole file unreadable
            return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split(":", -1))
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long parse(String number) {
        try {
            return Long.parseLong(number);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
