package dev.writ.server;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** PEM text of certificates for JSON answers. Thread-safe: stateless. */
final class Pems {
  private Pems() {}

  static String chain(List<X509Certificate> chain) {
    Base64.Encoder b64 = Base64.getMimeEncoder(64, new byte[] {'\n'});
    StringBuilder sb = new StringBuilder();
    for (X509Certificate c : chain) {
      try {
        sb.append("-----BEGIN CERTIFICATE-----\n")
            .append(b64.encodeToString(c.getEncoded()))
            .append("\n-----END CERTIFICATE-----\n");
      } catch (CertificateEncodingException e) {
        throw new IllegalStateException("an issued certificate always encodes", e);
      }
    }
    return sb.toString();
  }
}
