"""Who pays inside WeChat: the payer's openid for JSAPI pay, by WeChat web authorisation."""
