// Before the router reads the address (MobileApp creates it on import): keep and strip WeChat's `?openid=`.
import { rememberOpenid } from "./wechat";

rememberOpenid();
