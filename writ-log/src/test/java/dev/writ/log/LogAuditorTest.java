package dev.writ.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link LogAuditorContract} on a folder. */
class LogAuditorTest extends LogAuditorContract {
  @Override
  LogSource source() {
    return LogSource.folder(dir);
  }

  @Test
  void verify_pathOverload_auditsTheSameFolder() throws Exception {
    write(dir, entries(300, "a"));
    AuditedLog byPath = LogAuditor.verify(dir, SIGNER.verifierKey(), Optional.empty());
    assertThat(byPath.checkpoint()).isEqualTo(audit(Optional.empty()).checkpoint());
    assertThat(source().location()).isEqualTo(dir.toString());
  }
}
