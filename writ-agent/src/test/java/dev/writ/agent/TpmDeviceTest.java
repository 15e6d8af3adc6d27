package dev.writ.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TpmDeviceTest {
  @Test
  void tpmDevice_quotesTheSha256PcrsOfAPcClientTpm() {
    assertThat(TpmDevice.QUOTED).hasSize(24);
    assertThat(TpmDevice.QUOTED.get(16).toString()).isEqualTo("sha256:16");
  }
}
