package dev.writ.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnrollBodiesTest {
  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void open_validName_parses() throws Exception {
    assertThat(EnrollBodies.open(b("{\"node\":\"web-1\"}")).name()).isEqualTo("web-1");
  }

  @Test
  void open_badNameUnknownMemberNonCanonical_refused() {
    assertThatThrownBy(() -> EnrollBodies.open(b("{\"node\":\"Web_1\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("node must match");
    assertThatThrownBy(() -> EnrollBodies.open(b("{\"node\":\"" + "a".repeat(64) + "\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class);
    assertThatThrownBy(() -> EnrollBodies.open(b("{\"extra\":1,\"node\":\"a\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("unknown member extra");
    assertThatThrownBy(() -> EnrollBodies.open(b("{ \"node\":\"a\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("canonical");
    assertThatThrownBy(() -> EnrollBodies.open(b("[]"))).isInstanceOf(EnrollBodies.BadBody.class);
  }

  @Test
  void challenge_tpmNeedsEkChainAndAkPublic_othersMustNotHaveThem() throws Exception {
    EnrollBodies.Challenge c =
        EnrollBodies.challenge(
            b(
                "{\"ak_public\":\"AQI=\",\"ek_chain\":[\"AwQ=\"],\"envelope\":\"e30=\","
                    + "\"evidence_kind\":\"tpm2\",\"node\":\"n1\"}"));
    assertThat(c.evidence().kind()).isEqualTo("tpm2");
    assertThat(c.evidence().ekChain()).hasSize(1);
    assertThat(c.evidence().akPublic()).isPresent();
    assertThatThrownBy(
            () ->
                EnrollBodies.challenge(
                    b("{\"envelope\":\"e30=\",\"evidence_kind\":\"tpm2\",\"node\":\"n1\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("exactly when");
    assertThatThrownBy(
            () ->
                EnrollBodies.challenge(
                    b(
                        "{\"ak_public\":\"AQI=\",\"ek_chain\":[],\"envelope\":\"e30=\","
                            + "\"evidence_kind\":\"none\",\"node\":\"n1\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class);
    assertThatThrownBy(
            () ->
                EnrollBodies.challenge(
                    b("{\"envelope\":\"e30=\",\"evidence_kind\":\"sgx\",\"node\":\"n1\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("evidence_kind");
  }

  @Test
  void complete_nonCanonicalBase64AndBadAdvisory_refused() throws Exception {
    assertThat(
            EnrollBodies.complete(
                    b(
                        "{\"advisory\":{\"mac\":\"02:00:00:00:00:01\"},\"challenge\":\"AA==\","
                            + "\"csr\":\"AA==\",\"envelope\":\"e30=\",\"node\":\"n1\"}"))
                .advisory())
        .containsEntry("mac", "02:00:00:00:00:01");
    assertThatThrownBy(
            () ->
                EnrollBodies.complete(
                    b(
                        "{\"challenge\":\"AA\",\"csr\":\"AA==\",\"envelope\":\"e30=\","
                            + "\"node\":\"n1\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("challenge");
    assertThatThrownBy(
            () ->
                EnrollBodies.complete(
                    b(
                        "{\"advisory\":{\"owner\":\"x\"},\"challenge\":\"AA==\",\"csr\":\"AA==\","
                            + "\"envelope\":\"e30=\",\"node\":\"n1\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("advisory");
  }

  @Test
  void renewChallenge_tpm2WithItsMembers_parses() throws Exception {
    EnrollBodies.EvidenceRequest r =
        EnrollBodies.renewChallenge(
            b("{\"ak_public\":\"AA==\",\"ek_chain\":[\"AA==\"],\"evidence_kind\":\"tpm2\"}"));

    assertThat(r.kind()).isEqualTo("tpm2");
    assertThat(r.ekChain()).hasSize(1);
    assertThat(r.akPublic()).isPresent();
  }

  @Test
  void renewChallenge_nodeMemberOrMissingTpmMembers_refused() {
    assertThatThrownBy(
            () -> EnrollBodies.renewChallenge(b("{\"evidence_kind\":\"none\",\"node\":\"n2\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("unknown member node");
    assertThatThrownBy(() -> EnrollBodies.renewChallenge(b("{\"evidence_kind\":\"tpm2\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("ek_chain");
  }

  @Test
  void renew_withoutEvidence_parsesWithNoEvidence() throws Exception {
    EnrollBodies.Renew r = EnrollBodies.renew(b("{\"challenge\":\"AA==\",\"csr\":\"AA==\"}"));

    assertThat(r.evidence()).isEmpty();
    assertThat(r.challenge()).containsExactly(0);
  }

  @Test
  void renew_nodeOrEnvelopeMember_refused() {
    assertThatThrownBy(
            () ->
                EnrollBodies.renew(b("{\"challenge\":\"AA==\",\"csr\":\"AA==\",\"node\":\"n2\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("unknown member node");
    assertThatThrownBy(
            () ->
                EnrollBodies.renew(
                    b("{\"challenge\":\"AA==\",\"csr\":\"AA==\",\"envelope\":\"e30=\"}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("unknown member envelope");
    assertThatThrownBy(
            () ->
                EnrollBodies.renew(b("{\"challenge\":\"AA==\",\"csr\":\"AA==\",\"evidence\":[]}")))
        .isInstanceOf(EnrollBodies.BadBody.class)
        .hasMessageContaining("evidence must be an object");
  }
}
