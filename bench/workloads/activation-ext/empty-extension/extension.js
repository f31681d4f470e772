exports.activate = function () {};
