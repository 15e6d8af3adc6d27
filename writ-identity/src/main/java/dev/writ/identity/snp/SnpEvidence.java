package dev.writ.identity.snp;

/**
 * What a SEV-SNP guest collected: the raw attestation report and the certificate table the host
 * supplied with it (the GHCB extended-report format: GUID, offset, length entries, possibly empty).
 *
 * <p>Immutable and thread-safe: arrays are copied in and out.
 *
 * @param report the raw report from configfs-tsm {@code outblob}
 * @param certificateTable the raw {@code auxblob}, empty if the host supplied none
 */
@SuppressWarnings("ArrayRecordComponent") // cloned in and out
public record SnpEvidence(byte[] report, byte[] certificateTable) {
  public SnpEvidence {
    report = report.clone();
    certificateTable = certificateTable.clone();
  }

  @Override
  public byte[] report() {
    return report.clone();
  }

  @Override
  public byte[] certificateTable() {
    return certificateTable.clone();
  }
}
