package io.berth.apiserver.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.nio.file.Path;

/**
 * Where the keys and certificates that {@code bin/berth up} generated live ({@code berth.pki.dir}).
 * A replica never generates its own.
 */
@ConfigurationProperties("berth.pki")
public record PkiProperties(@DefaultValue(".berth/pki") Path dir) {
}
