package io.berth.gateway.authn;

import io.berth.apimachinery.auth.UserInfo;

import java.util.Optional;

/**
 * One way of turning a bearer token into a user, as Kubernetes' {@code authenticator.Token}. Implementations are
 * thread safe and never log a token or any part of its secret.
 */
public interface TokenAuthenticator {

    /**
     * The user {@code token} belongs to.
     *
     * @return empty when this authenticator does not recognise the token's format (the caller tries the next one)
     * @throws io.berth.apimachinery.errors.ApiException 401 ({@code StatusErrors.unauthorized()}) for a token it
     *                                                   recognises but that is not valid; never a partial answer
     */
    Optional<UserInfo> authenticate(String token);
}
