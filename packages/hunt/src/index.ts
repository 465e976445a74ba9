// Public surface of @oclog/hunt; each module adds its exports here.
export {};
