package io.berth.apiserver.credentials;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;

import java.util.List;

/**
 * The answer to a TokenRequest: the request with its status filled in, and the {@code Warning} headers it carries.
 *
 * @param request  the defaulted request; {@code status.token} is the credential and must never be logged
 * @param warnings e.g. that the requested expiration was shortened
 */
public record IssuedToken(TokenRequest request, List<String> warnings) {

    public IssuedToken {
        warnings = List.copyOf(warnings);
    }
}
