package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;

import java.util.Optional;

/** One way of turning a bearer token into a user. Thread safe. */
@FunctionalInterface
public interface TokenAuthenticator {

    /**
     * Empty = this authenticator does not recognise the token's format (try the next); a recognised but invalid
     * token throws ApiException 401 (StatusErrors.unauthorized()) — never a partial answer.
     */
    Optional<UserInfo> authenticate(String token);
}
