package dev.writ.identity.tpm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.writ.identity.AttestationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * go-attestation's {@code windows_gcp_shielded_vm.json} (shared/vectors/attestation/tpm, see its
 * SOURCE.md): an RSA attestation key, a SHA-1 quote over SHA-1 PCRs 0-23 with empty qualifying
 * data, and the PCR values. Read from the folder in system property {@code writ.vectors.dir}; a
 * missing file fails the test.
 */
@SuppressWarnings("ArrayRecordComponent") // test data; tests clone before mutating
record GoogleQuoteSample(
    byte[] akPublic, byte[] quote, byte[] signature, Map<PcrId, byte[]> pcrs, byte[] nonce) {
  static final String FILE = "attestation/tpm/attest/testdata/windows_gcp_shielded_vm.json";

  /** Go's crypto.Hash numbering, which the dump uses for DigestAlg. */
  private static final Map<Integer, TpmHash> GO_HASH =
      Map.of(3, TpmHash.SHA1, 5, TpmHash.SHA256, 6, TpmHash.SHA384, 7, TpmHash.SHA512);

  static GoogleQuoteSample load() throws IOException {
    String dir = System.getProperty("writ.vectors.dir");
    if (dir == null || dir.isBlank()) {
      throw new AssertionError(
          "system property writ.vectors.dir is not set; the TPM sample is required");
    }
    Path file = Path.of(dir).resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("the TPM sample " + file + " is missing");
    }
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    Base64.Decoder b64 = Base64.getDecoder();
    Map<PcrId, byte[]> pcrs = new HashMap<>();
    for (JsonNode pcr : root.path("Log").path("PCRs")) {
      TpmHash bank = GO_HASH.get(pcr.path("DigestAlg").asInt());
      pcrs.put(new PcrId(bank, pcr.path("Index").asInt()), b64.decode(pcr.path("Digest").asText()));
    }
    return new GoogleQuoteSample(
        b64.decode(root.path("AK").path("Public").asText()),
        b64.decode(root.path("Quote").path("Quote").asText()),
        b64.decode(root.path("Quote").path("Signature").asText()),
        Map.copyOf(pcrs),
        b64.decode(root.path("Quote").path("Nonce").asText()));
  }

  PcrValues pcrValues() throws AttestationException {
    return PcrValues.of(pcrs);
  }

  void verify() throws AttestationException {
    TpmQuoteVerifier.verifyQuote(akPublic, quote, signature, pcrValues(), nonce);
  }
}
