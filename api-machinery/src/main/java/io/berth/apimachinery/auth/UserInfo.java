package io.berth.apimachinery.auth;

import java.util.List;
import java.util.Map;

/**
 * An authenticated identity, as Kubernetes' user.Info: name, uid, groups and extra attributes. Immutable.
 * The gateway establishes it and forwards it to the api-service as {@code X-Remote-*} headers over mutual TLS.
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

    public static final String HEADER_USER = "X-Remote-User";
    public static final String HEADER_UID = "X-Remote-Uid";
    public static final String HEADER_GROUP = "X-Remote-Group";
    public static final String HEADER_EXTRA_PREFIX = "X-Remote-Extra-";

    public UserInfo {
        groups = List.copyOf(groups);
        extra = Map.copyOf(extra);
    }

    public static UserInfo of(String name, String uid, List<String> groups) {
        return new UserInfo(name, uid, groups, Map.of());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }
}
