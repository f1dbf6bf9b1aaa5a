package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' static token file ({@code --token-auth-file}): CSV lines {@code token,user,uid,"group1,group2"}.
 * The file is reread when its modification time or size changes (checked at most once per recheck interval), so a
 * new or revoked token takes effect without a restart. Tokens are kept only as SHA-256 digests. Thread safe.
 */
public final class TokenFile {

    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);

    private final Path file;
    private final Clock clock;
    private final long recheckMillis;
    private volatile Map<String, UserInfo> byDigest = Map.of();
    private volatile long nextCheck;
    private FileTime loadedTime;
    private long loadedSize = -1;

    public TokenFile(Path file, Clock clock, Duration recheck) {
        this.file = file;
        this.clock = clock;
        this.recheckMillis = recheck.toMillis();
        reloadIfChanged();
    }

    /** The user a bearer token belongs to, or empty. */
    public Optional<UserInfo> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        if (clock.millis() >= nextCheck) {
            reloadIfChanged();
        }
        return Optional.ofNullable(byDigest.get(digest(token)));
    }

    synchronized void reloadIfChanged() {
        nextCheck = clock.millis() + recheckMillis;
        try {
            if (!Files.exists(file)) {
                if (!byDigest.isEmpty() || loadedSize != -1) {
                    log.warn("token file {} is gone; no token is accepted", file);
                }
                byDigest = Map.of();
                loadedSize = -1;
                return;
            }
            FileTime time = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (time.equals(loadedTime) && size == loadedSize) {
                return;
            }
            byDigest = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            loadedTime = time;
            loadedSize = size;
            log.info("loaded {} tokens from {}", byDigest.size(), file);
        } catch (IOException e) {
            log.warn("cannot read token file {}: {}", file, e.toString());
        }
    }

    static Map<String, UserInfo> parse(List<String> lines) {
        Map<String, UserInfo> users = new HashMap<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            String trimmed = line.trim();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            List<String> fields = csv(trimmed);
            if (fields.size() < 3 || fields.get(0).isEmpty() || fields.get(1).isEmpty()) {
                log.warn("token file line {}: expected token,user,uid[,\"groups\"]; skipped", lineNo);
                continue;
            }
            List<String> groups = new ArrayList<>();
            if (fields.size() > 3) {
                for (String g : fields.get(3).split(",")) {
                    if (!g.trim().isEmpty()) {
                        groups.add(g.trim());
                    }
                }
            }
            if (!groups.contains("system:authenticated")) {
                groups.add("system:authenticated");
            }
            users.put(digest(fields.get(0)), UserInfo.of(fields.get(1), fields.get(2), groups));
        }
        return Map.copyOf(users);
    }

    /** One CSV record: commas separate fields, double quotes protect commas, "" is a quote. */
    static List<String> csv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString().trim());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString().trim());
        return fields;
    }

    static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
