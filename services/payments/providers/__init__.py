"""Payment providers behind one port (port.py): WeChat Pay API v3, Alipay, and a sandbox gateway that speaks both
real protocols with test keys. Protocols, formats and pitfalls: /work/shared/research/payments.md."""
