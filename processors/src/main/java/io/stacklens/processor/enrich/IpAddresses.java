package io.stacklens.processor.enrich;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses IP address literals without ever resolving a host name (InetAddress.getByName would ask
 * DNS for anything that is not a literal), and tells public addresses from private ones.
 */
final class IpAddresses {
  private IpAddresses() {}

  /** The address written in {@code text} (IPv4 dotted quad or IPv6), or null when it is not one. */
  static InetAddress parse(String text) {
    if (text == null || text.isEmpty() || text.length() > 45) return null;
    if (text.indexOf(':') < 0) return parseV4(text);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          c == ':'
              || c == '.'
              || (c >= '0' && c <= '9')
              || (c >= 'a' && c <= 'f')
              || (c >= 'A' && c <= 'F');
      if (!ok) return null;
    }
    try {
      // Brackets make InetAddress treat the text as an IPv6 literal only: invalid text fails, no
      // lookup.
      return InetAddress.getByName("[" + text + "]");
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static InetAddress parseV4(String s) {
    byte[] b = new byte[4];
    int part = 0;
    int value = -1;
    int digits = 0;
    for (int i = 0; i <= s.length(); i++) {
      char c = i == s.length() ? '.' : s.charAt(i);
      if (c == '.') {
        if (value < 0 || part == 4) return null;
        b[part++] = (byte) value;
        value = -1;
        digits = 0;
      } else if (c >= '0' && c <= '9') {
        if (digits > 0 && value == 0) return null; // no leading zeros (ambiguous: octal)
        value = (value < 0 ? 0 : value * 10) + (c - '0');
        if (++digits > 3 || value > 255) return null;
      } else {
        return null;
      }
    }
    if (part != 4) return null;
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /**
   * True for addresses no public database knows: loopback, private (10/8, 172.16/12, 192.168/16,
   * fc00::/7), link-local, carrier-grade NAT (100.64/10), unspecified and multicast.
   */
  static boolean isPrivate(InetAddress a) {
    if (a.isLoopbackAddress()
        || a.isSiteLocalAddress()
        || a.isLinkLocalAddress()
        || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return true;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int b0 = b[0] & 0xff;
      int b1 = b[1] & 0xff;
      return b0 == 0 || (b0 == 100 && b1 >= 64 && b1 <= 127);
    }
    if (a instanceof Inet6Address) {
      return (b[0] & 0xfe) == 0xfc;
    }
    return false;
  }
}
