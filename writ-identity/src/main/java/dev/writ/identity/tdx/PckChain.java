package dev.writ.identity.tdx;

import dev.writ.identity.AttestationException;
import dev.writ.identity.AttestationFailure;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Parses certification data type 5: the PCK certificate chain as concatenated PEM, leaf first
 * (Intel TDX DCAP Quoting Library API, A.3.11). Outside the PEM blocks only whitespace and NUL
 * padding are allowed; each block must be base64 of exactly one DER certificate. Stateless and
 * thread-safe.
 */
final class PckChain {
  private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
  private static final String END = "-----END CERTIFICATE-----";

  private PckChain() {}

  static List<X509Certificate> parse(byte[] pem) throws AttestationException {
    String text = new String(pem, StandardCharsets.ISO_8859_1);
    List<X509Certificate> chain = new ArrayList<>();
    int pos = 0;
    while (true) {
      int begin = text.indexOf(BEGIN, pos);
      int gapEnd = begin < 0 ? text.length() : begin;
      requirePadding(text, pos, gapEnd);
      if (begin < 0) {
        break;
      }
      if (chain.size() == TdxLimits.MAX_PCK_CERTS) {
        throw malformed(
            "PCK chain has more than " + TdxLimits.MAX_PCK_CERTS + " certificates", null);
      }
      int bodyStart = begin + BEGIN.length();
      int end = text.indexOf(END, bodyStart);
      if (end < 0) {
        throw malformed("PCK chain certificate " + chain.size() + " has no END line", null);
      }
      chain.add(certificate(text.substring(bodyStart, end), chain.size()));
      pos = end + END.length();
    }
    if (chain.isEmpty()) {
      throw malformed("PCK chain has no certificate", null);
    }
    return List.copyOf(chain);
  }

  private static void requirePadding(String text, int from, int to) throws AttestationException {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c != '\n' && c != '\r' && c != ' ' && c != '\t' && c != 0) {
        throw malformed("PCK chain has text outside its PEM blocks at offset " + i, null);
      }
    }
  }

  private static X509Certificate certificate(String base64, int index) throws AttestationException {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64.replace("\r", "").replace("\n", ""));
    } catch (IllegalArgumentException e) {
      throw malformed("PCK chain certificate " + index + " is not base64", e);
    }
    X509Certificate cert;
    try {
      cert =
          (X509Certificate)
              CertificateFactory.getInstance("X.509")
                  .generateCertificate(new ByteArrayInputStream(der));
      if (!Arrays.equals(cert.getEncoded(), der)) {
        throw malformed("PCK chain certificate " + index + " has bytes after its DER", null);
      }
    } catch (CertificateException e) {
      throw malformed("PCK chain certificate " + index + " is not an X.509 certificate", e);
    } catch (RuntimeException e) {
      // The JDK's DER decoder is third-party code at this boundary: any runtime failure it has on
      // hostile bytes means the certificate is malformed, and it must not escape the verifier.
      throw malformed("PCK chain certificate " + index + " does not decode", e);
    }
    return cert;
  }

  private static AttestationException malformed(String detail, Throwable cause) {
    return cause == null
        ? new AttestationException(AttestationFailure.ATTESTATION_MALFORMED, detail)
        : new AttestationException(AttestationFailure.ATTESTATION_MALFORMED, detail, cause);
  }
}
