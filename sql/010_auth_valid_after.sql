-- 010_auth_valid_after.sql: an atomic failed-login limit, and access tokens that
-- stop working at once when their user is disabled, deleted, changes role or
-- password, or logs out everywhere.

-- Admits one password check for a login, or refuses it (false) when the account
-- or the address already has its limit of failures in the last 15 minutes. An
-- admitted attempt is recorded as a failure before the password is checked;
-- a successful login deletes it again (auth_start_family). Advisory locks per
-- account, then per address (always in that order: no deadlock), are held until
-- this statement commits, so parallel attempts are counted one after another:
-- 40 at once against a limit of 5 get exactly 5 password checks.
CREATE FUNCTION auth_login_admit(acct text, addr text, max_acct int, max_addr int)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('login account ' || acct, 0));
    PERFORM pg_advisory_xact_lock(hashtextextended('login address ' || addr, 0));
    IF (SELECT count(*) FROM login_failures
        WHERE email = acct AND at > now() - interval '15 minutes') >= max_acct
       OR (SELECT count(*) FROM login_failures
           WHERE ip_hash = addr AND at > now() - interval '15 minutes') >= max_addr THEN
        RETURN false;
    END IF;
    INSERT INTO login_failures (email, ip_hash) VALUES (acct, addr);
    RETURN true;
END $$;

-- Access JWTs issued before this instant are refused (NULL: none is). Compared
-- in whole seconds as ceil(tokens_valid_after) <= iat; a token issued later in
-- the same second gets iat = that ceiling (see auth_issue_access).
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;

-- A new role, a new password or a disabled account ends every access token
-- issued so far; a new password or a disabled account also revokes the
-- refresh families. Whatever makes the change (zoe user, SQL by hand).
CREATE FUNCTION users_tokens_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.tokens_valid_after := now();
    IF NEW.password_hash <> OLD.password_hash OR NEW.disabled THEN
        UPDATE refresh_families SET revoked_at = now(),
               revoked_why = CASE WHEN NEW.disabled THEN 'disabled' ELSE 'password' END
        WHERE user_id = NEW.id AND revoked_at IS NULL;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER users_tokens_stale BEFORE UPDATE OF role, password_hash, disabled ON users
FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role
                   OR OLD.password_hash IS DISTINCT FROM NEW.password_hash
                   OR OLD.disabled IS DISTINCT FROM NEW.disabled)
EXECUTE FUNCTION users_tokens_stale();

-- "Log out everywhere": revokes every refresh family of the user and ends every
-- access token issued so far. Returns the new valid-after second (ceiling).
CREATE FUNCTION auth_logout_everywhere(uid bigint) RETURNS bigint LANGUAGE sql AS $$
    UPDATE refresh_families SET revoked_at = now(), revoked_why = 'logout everywhere'
    WHERE user_id = uid AND revoked_at IS NULL;
    UPDATE users SET tokens_valid_after = now() WHERE id = uid
    RETURNING ceil(extract(epoch FROM tokens_valid_after))::bigint;
$$;

-- auth_rotate as in 001, also answering the user's valid-after second, so the
-- new access token is issued no earlier than it.
DROP FUNCTION auth_rotate(text, text, int);
CREATE FUNCTION auth_rotate(old_hash text, new_hash text, ttl_seconds int)
RETURNS TABLE (status text, user_id bigint, email text, role text, family_id bigint,
               valid_after bigint)
LANGUAGE plpgsql AS $$
DECLARE t refresh_tokens; f refresh_families; u users; va bigint;
BEGIN
    SELECT * INTO t FROM refresh_tokens WHERE token_hash = old_hash FOR UPDATE;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'invalid', NULL::bigint, NULL, NULL, NULL::bigint, NULL::bigint;
        RETURN;
    END IF;
    SELECT * INTO f FROM refresh_families WHERE id = t.family_id FOR UPDATE;
    SELECT * INTO u FROM users WHERE id = f.user_id;
    va := ceil(extract(epoch FROM u.tokens_valid_after))::bigint;
    IF f.revoked_at IS NOT NULL THEN
        RETURN QUERY SELECT 'revoked', u.id, u.email, u.role, f.id, va; RETURN;
    END IF;
    IF t.used_at IS NOT NULL THEN
        UPDATE refresh_families SET revoked_at = now(), revoked_why = 'reuse' WHERE id = f.id;
        RETURN QUERY SELECT 'reused', u.id, u.email, u.role, f.id, va; RETURN;
    END IF;
    IF t.expires_at < now() THEN
        RETURN QUERY SELECT 'expired', u.id, u.email, u.role, f.id, va; RETURN;
    END IF;
    IF u.disabled THEN
        RETURN QUERY SELECT 'disabled', u.id, u.email, u.role, f.id, va; RETURN;
    END IF;
    UPDATE refresh_tokens SET used_at = now() WHERE token_hash = old_hash;
    INSERT INTO refresh_tokens (token_hash, family_id, expires_at)
    VALUES (new_hash, f.id, now() + make_interval(secs => ttl_seconds));
    RETURN QUERY SELECT 'ok', u.id, u.email, u.role, f.id, va;
END $$;
