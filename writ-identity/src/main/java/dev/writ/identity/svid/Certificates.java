package dev.writ.identity.svid;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** DER and PEM decoding and encoding of X.509 certificates. Stateless and thread-safe. */
final class Certificates {
  private Certificates() {}

  /** One DER certificate, nothing after it; anything else is refused with {@code failure}. */
  static X509Certificate fromDer(byte[] der, SvidFailure failure, String what)
      throws SvidException {
    ByteArrayInputStream in = new ByteArrayInputStream(der);
    try {
      // the JDK parser reports malformed input mostly as CertificateException, some as unchecked
      X509Certificate cert =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      if (in.available() != 0) {
        throw new SvidException(failure, what + " has bytes after the certificate");
      }
      return cert;
    } catch (CertificateException | RuntimeException e) {
      throw new SvidException(failure, what + " is not a DER X.509 certificate", e);
    }
  }

  /** The certificates of the PEM CERTIFICATE blocks, in order; other blocks are skipped. */
  static List<X509Certificate> fromPemBlocks(
      List<Pem.Block> blocks, SvidFailure failure, String what) throws SvidException {
    List<X509Certificate> certs = new ArrayList<>();
    for (Pem.Block block : blocks) {
      if (block.label().equals(Pem.CERTIFICATE)) {
        certs.add(fromDer(block.der(), failure, what + " certificate " + certs.size()));
      }
    }
    return certs;
  }

  /** The certificates as PEM CERTIFICATE blocks, in order. */
  static String toPem(List<X509Certificate> certs) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate cert : certs) {
      out.append(Pem.encode(Pem.CERTIFICATE, encoded(cert)));
    }
    return out.toString();
  }

  /** The DER encoding of a parsed certificate. */
  static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("a parsed certificate cannot be encoded", e);
    }
  }
}
