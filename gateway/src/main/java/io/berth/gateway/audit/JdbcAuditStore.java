package io.berth.gateway.audit;

import io.berth.apimachinery.json.Json;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.init.DatabasePopulatorUtils;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit trail in a SQL database through JDBC: embedded H2 by default, PostgreSQL when {@code spring.datasource.url}
 * says so. One portable schema ({@code audit/schema.sql}); times are {@code TIMESTAMP WITH TIME ZONE} bound as UTC
 * {@link OffsetDateTime}s, so the JVM's and the database's time zones play no part. Strings longer than their column
 * are cut rather than failing the batch they are in. Thread safe.
 */
public final class JdbcAuditStore implements AuditStore {

    static final String TABLE = "berth_audit_event";
    /** A page stops early once its bodies pass this many characters, so a page of large bodies stays a few MiB. */
    static final int PAGE_BODY_BUDGET = 8 * 1024 * 1024;
    /** Rows deleted per statement by the purge: keeps each transaction (and H2's undo log) small. */
    static final int PURGE_CHUNK = 10_000;

    private static final String COLUMNS = "id, received_at, user_name, user_groups, source_ip, verb, api_group, "
            + "resource, subresource, namespace, name, request_uri, code, latency_ms, user_agent, request_body, "
            + "body_truncated, body_note";
    private static final String INSERT = "INSERT INTO " + TABLE + " (" + COLUMNS + ") VALUES "
            + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final JdbcClient client;
    private final TransactionTemplate transactions;

    public JdbcAuditStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.jdbc = new JdbcTemplate(dataSource);
        this.client = JdbcClient.create(jdbc);
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
    }

    /** Creates the table and its indexes when missing. Idempotent. */
    public void createSchema() {
        DatabasePopulatorUtils.execute(new ResourceDatabasePopulator(new ClassPathResource("audit/schema.sql")),
                dataSource);
    }

    @Override
    public void insert(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(tx -> jdbc.batchUpdate(INSERT, new BatchPreparedStatementSetter() {
            @Override
            public void setValues(PreparedStatement ps, int i) throws SQLException {
                bind(ps, events.get(i));
            }

            @Override
            public int getBatchSize() {
                return events.size();
            }
        }));
    }

    private static void bind(PreparedStatement ps, AuditEvent e) throws SQLException {
        ps.setString(1, e.id());
        ps.setObject(2, utc(e.time()));
        ps.setString(3, clip(e.user(), 1024));
        ps.setString(4, clip(Json.writeString(e.groups()), 8192));
        ps.setString(5, clip(e.sourceIp(), 64));
        ps.setString(6, clip(e.verb(), 64));
        ps.setString(7, clip(e.apiGroup(), 253));
        ps.setString(8, clip(e.resource(), 253));
        ps.setString(9, clip(e.subresource(), 253));
        ps.setString(10, clip(e.namespace(), 253));
        ps.setString(11, clip(e.name(), 253));
        ps.setString(12, clip(e.requestUri(), 8192));
        ps.setInt(13, e.code());
        ps.setLong(14, e.latencyMs());
        ps.setString(15, clip(e.userAgent(), 1024));
        boolean cut = e.requestBody() != null && e.requestBody().length() > RequestBodies.MAX_CHARS;
        if (e.requestBody() == null) {
            ps.setNull(16, Types.VARCHAR);
        } else {
            ps.setString(16, clip(e.requestBody(), RequestBodies.MAX_CHARS));
        }
        ps.setBoolean(17, e.bodyTruncated() || cut);
        if (e.bodyNote() == null) {
            ps.setNull(18, Types.VARCHAR);
        } else {
            ps.setString(18, clip(e.bodyNote(), 256));
        }
    }

    @Override
    public AuditPage query(AuditQuery q) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM ").append(TABLE)
                .append(" WHERE 1 = 1");
        Map<String, Object> params = new LinkedHashMap<>();
        if (q.namespace() != null) {
            sql.append(" AND namespace = :namespace");
            params.put("namespace", q.namespace());
        }
        if (q.visibleNamespaces() != null) {
            sql.append(" AND namespace IN (:visible)");
            params.put("visible", List.copyOf(q.visibleNamespaces()));
        }
        if (q.user() != null) {
            sql.append(" AND user_name = :user");
            params.put("user", q.user());
        }
        if (q.verb() != null) {
            sql.append(" AND verb = :verb");
            params.put("verb", q.verb());
        }
        if (q.since() != null) {
            sql.append(" AND received_at >= :since");
            params.put("since", utc(q.since()));
        }
        if (q.after() != null) {
            sql.append(" AND (received_at < :afterTime OR (received_at = :afterTime AND id < :afterId))");
            params.put("afterTime", utc(q.after().time()));
            params.put("afterId", q.after().id());
        }
        sql.append(" ORDER BY received_at DESC, id DESC FETCH FIRST :rows ROWS ONLY");
        params.put("rows", q.limit() + 1);
        return client.sql(sql.toString()).params(params).query((ResultSetExtractor<AuditPage>) rs -> page(rs, q.limit()));
    }

    /** Up to {@code limit} rows, fewer when their bodies pass the page budget; the next position if more remain. */
    private static AuditPage page(ResultSet rs, int limit) throws SQLException {
        List<AuditEvent> items = new ArrayList<>();
        long bodyChars = 0;
        while (rs.next()) {
            if (items.size() == limit || bodyChars > PAGE_BODY_BUDGET) {
                AuditEvent last = items.get(items.size() - 1);
                return new AuditPage(items, new ContinueToken(last.time(), last.id()));
            }
            AuditEvent e = event(rs);
            items.add(e);
            bodyChars += e.requestBody() == null ? 0 : e.requestBody().length();
        }
        return new AuditPage(items, null);
    }

    private static AuditEvent event(ResultSet rs) throws SQLException {
        return new AuditEvent(
                rs.getString("id"),
                rs.getObject("received_at", OffsetDateTime.class).toInstant(),
                rs.getString("user_name"),
                Json.mapper().readValue(rs.getString("user_groups"), STRINGS),
                rs.getString("source_ip"),
                rs.getString("verb"),
                rs.getString("api_group"),
                rs.getString("resource"),
                rs.getString("subresource"),
                rs.getString("namespace"),
                rs.getString("name"),
                rs.getString("request_uri"),
                rs.getInt("code"),
                rs.getLong("latency_ms"),
                rs.getString("user_agent"),
                rs.getString("request_body"),
                rs.getBoolean("body_truncated"),
                rs.getString("body_note"));
    }

    @Override
    public long purge(Instant olderThan, long keepNewest) {
        long deleted = deleteInChunks("received_at < :cutoff", Map.of("cutoff", utc(olderThan)));
        // the newest keepNewest rows stay: everything at or behind the (keepNewest + 1)-th newest goes
        List<ContinueToken> boundary = client.sql("SELECT received_at, id FROM " + TABLE
                        + " ORDER BY received_at DESC, id DESC OFFSET :keep ROWS FETCH FIRST 1 ROWS ONLY")
                .param("keep", keepNewest)
                .query((rs, n) -> new ContinueToken(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2)))
                .list();
        if (!boundary.isEmpty()) {
            ContinueToken b = boundary.get(0);
            deleted += deleteInChunks("(received_at < :time OR (received_at = :time AND id <= :id))",
                    Map.of("time", utc(b.time()), "id", b.id()));
        }
        return deleted;
    }

    private long deleteInChunks(String condition, Map<String, Object> params) {
        String sql = "DELETE FROM " + TABLE + " WHERE id IN (SELECT id FROM " + TABLE + " WHERE " + condition
                + " FETCH FIRST " + PURGE_CHUNK + " ROWS ONLY)";
        long total = 0;
        int n;
        do {
            n = client.sql(sql).params(params).update();
            total += n;
        } while (n == PURGE_CHUNK);
        return total;
    }

    private static OffsetDateTime utc(Instant time) {
        return time.atOffset(ZoneOffset.UTC);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
