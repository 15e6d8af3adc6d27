package dev.writ.state;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.writ.core.Capability;
import dev.writ.core.Reason;
import dev.writ.core.SpendLedger;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
  private static final String HASH = "ab".repeat(32);

  @Test
  void encode_authorize_isCanonicalAndRoundTrips() throws Exception {
    StateCommand.Authorize s =
        new StateCommand.Authorize(Fixtures.id(7), Capability.DEPLOY, HASH, 100, 50);
    byte[] bytes = CommandCodec.encode(s);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"at\":50,\"cap\":\"deploy\",\"envelope_sha256\":\""
                + HASH
                + "\",\"id\":\"00000000000000000000000000000007\",\"op\":\"authorize\","
                + "\"retain_until\":100,\"v\":1}");
    assertThat(CommandCodec.decode(bytes)).isEqualTo(s);
  }

  @Test
  void decode_retiredSpendOp_refusedWithUnknownOp() {
    assertRefused(
        "{\"at\":50,\"cap\":\"deploy\",\"envelope_sha256\":\""
            + HASH
            + "\",\"id\":\"00000000000000000000000000000007\",\"op\":\"spend\","
            + "\"retain_until\":100,\"v\":1}",
        "unknown_op");
  }

  @Test
  void encode_denyWithAndWithoutOptionalFields_roundTrips() throws Exception {
    StateCommand.Deny full =
        new StateCommand.Deny(
            Optional.of(Fixtures.id(7)), HASH, Optional.of(Capability.DEPLOY), Reason.EXPIRED, 50);
    assertThat(new String(CommandCodec.encode(full), UTF_8))
        .isEqualTo(
            "{\"at\":50,\"cap\":\"deploy\",\"envelope_sha256\":\""
                + HASH
                + "\",\"id\":\"00000000000000000000000000000007\",\"op\":\"deny\","
                + "\"reason\":\"EXPIRED\",\"v\":1}");
    assertThat(CommandCodec.decode(CommandCodec.encode(full))).isEqualTo(full);
    StateCommand.Deny bare =
        new StateCommand.Deny(Optional.empty(), HASH, Optional.empty(), Reason.MALFORMED, 50);
    assertThat(CommandCodec.decode(CommandCodec.encode(bare))).isEqualTo(bare);
  }

  @Test
  void decode_denyWithUnknownReasonOrExtraField_refusedAsMalformed() {
    assertRefused(
        "{\"at\":1,\"envelope_sha256\":\""
            + HASH
            + "\",\"op\":\"deny\","
            + "\"reason\":\"NOPE\",\"v\":1}",
        "malformed");
    assertRefused(
        "{\"at\":1,\"envelope_sha256\":\""
            + HASH
            + "\",\"op\":\"deny\","
            + "\"reason\":\"EXPIRED\",\"retain_until\":1,\"v\":1}",
        "malformed");
    assertRefused(
        "{\"at\":1,\"envelope_sha256\":\"" + HASH + "\",\"op\":\"deny\",\"v\":1}", "malformed");
  }

  @Test
  void decode_unknownOp_refusedWithUnknownOp() {
    assertRefused("{\"at\":1,\"op\":\"burn\",\"v\":1}", "unknown_op");
  }

  @Test
  void decode_unknownVersion_refusedWithUnknownVersion() {
    assertRefused("{\"op\":\"spend\",\"v\":2}", "unknown_version");
  }

  @Test
  void decode_extraField_refusedAsMalformed() {
    assertRefused(
        "{\"at\":50,\"cap\":\"deploy\",\"envelope_sha256\":\""
            + HASH
            + "\",\"extra\":1,\"id\":\"00000000000000000000000000000007\",\"op\":\"authorize\","
            + "\"retain_until\":100,\"v\":1}",
        "malformed");
  }

  @Test
  void decode_nonCanonicalBytes_refusedAsMalformed() {
    assertRefused("{\"v\":1, \"op\":\"spend\"}", "malformed");
  }

  @Test
  void result_roundTrips() throws Exception {
    CommandResult r =
        new CommandResult.Authorized(
            SpendLedger.Outcome.ALREADY_SPENT, new AuditLeaf(3, "{\"v\":1}".getBytes(UTF_8)));
    assertThat(CommandCodec.decodeResult(CommandCodec.encodeResult(r))).isEqualTo(r);
    CommandResult d = new CommandResult.Audited(new AuditLeaf(0, "{}".getBytes(UTF_8)));
    assertThat(CommandCodec.decodeResult(CommandCodec.encodeResult(d))).isEqualTo(d);
    CommandResult e = new CommandResult.Refused("unknown_op", "x");
    assertThat(CommandCodec.decodeResult(CommandCodec.encodeResult(e))).isEqualTo(e);
  }

  private static void assertRefused(String json, String code) {
    assertThatThrownBy(() -> CommandCodec.decode(json.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(
            CommandRejectedException.class, ex -> assertThat(ex.code()).isEqualTo(code));
  }

  private static final dev.writ.core.SpiffeId NODE =
      new dev.writ.core.SpiffeId("fleet.example", "/node/web-1");

  @Test
  void registryCommands_roundTrip() throws Exception {
    NodeRegistration reg =
        new NodeRegistration(
            NODE,
            dev.writ.core.Posture.ATTESTED,
            Optional.of("sev-snp"),
            new java.util.TreeMap<>(java.util.Map.of("measurement", "ab".repeat(48))),
            new java.util.TreeMap<>(),
            "1f",
            900);
    for (StateCommand c :
        java.util.List.of(
            new StateCommand.EnrollOpen(Fixtures.id(1), NODE, 100, 50),
            new StateCommand.Enroll(Fixtures.id(1), HASH, 100, reg, 50),
            new StateCommand.Renew(NODE, "20", 1000, new java.util.TreeMap<>(), 60),
            new StateCommand.Revoke("1f", 70))) {
      assertThat(CommandCodec.decode(CommandCodec.encode(c))).isEqualTo(c);
    }
    NodeRegistration degraded =
        new NodeRegistration(
            NODE,
            dev.writ.core.Posture.DEGRADED,
            Optional.empty(),
            new java.util.TreeMap<>(),
            new java.util.TreeMap<>(),
            "1f",
            900);
    StateCommand.Enroll e = new StateCommand.Enroll(Fixtures.id(1), HASH, 100, degraded, 50);
    assertThat(CommandCodec.decode(CommandCodec.encode(e))).isEqualTo(e);
  }

  @Test
  void decode_registryCommandsWithBadFields_refusedAsMalformed() {
    assertRefused(
        "{\"at\":50,\"expires\":100,\"id\":\"00000000000000000000000000000001\","
            + "\"node\":\"not-a-spiffe-id\",\"op\":\"enroll_open\",\"v\":1}",
        "malformed");
    assertRefused("{\"at\":50,\"op\":\"revoke\",\"serial\":\"0f\",\"v\":1}", "malformed");
    assertRefused(
        "{\"at\":50,\"extra\":1,\"op\":\"revoke\",\"serial\":\"f\",\"v\":1}", "malformed");
    assertRefused(
        "{\"at\":50,\"measurements\":{\"a\":1},\"node\":\"spiffe://fleet.example/node/a\","
            + "\"not_after\":9,\"op\":\"renew\",\"serial\":\"f\",\"v\":1}",
        "malformed");
  }
}
