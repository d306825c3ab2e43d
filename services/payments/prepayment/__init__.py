"""The school's prepayment (学校统缴): where a school pays for its students in advance, the amount due is its
approved students × the fee of its fee profile (payer: the school), paid once on a PC (WeChat Native QR code or
Alipay's computer-site cashier); reconciliation later compares the prepaid count with the photographed count."""
