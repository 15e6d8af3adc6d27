package dev.writ.identity.tpm;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/** Test helpers that talk to a swtpm directly, outside what Tpm2Tools offers. */
final class EccEkCertificate {
  private EccEkCertificate() {}

  /** The ECC EK certificate swtpm_setup writes to NV index 0x01c00016. */
  static X509Certificate read(SwtpmProcess tpm) throws Exception {
    Path dir = Files.createTempDirectory("ecc-ek");
    new ToolRunner(dir, Duration.ofSeconds(30))
        .run(List.of("tpm2_nvread", "--tcti=" + tpm.tcti(), "0x01c00016", "-o", "ecc.crt"));
    byte[] der = Files.readAllBytes(dir.resolve("ecc.crt"));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der, 0, Tpm2Tools.derLength(der)));
  }

  /** The transient object handles loaded in the TPM (tpm2_getcap handles-transient). */
  static List<String> transientHandles(SwtpmProcess tpm) throws Exception {
    Path dir = Files.createTempDirectory("getcap");
    String out =
        new ToolRunner(dir, Duration.ofSeconds(30))
            .run(List.of("tpm2_getcap", "--tcti=" + tpm.tcti(), "handles-transient"))
            .stdout();
    return out.lines().map(String::strip).filter(l -> l.startsWith("- 0x")).toList();
  }
}
