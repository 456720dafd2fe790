// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {TokenFixture} from "../../token/TokenFixture.sol";
import {IKeelCompliance} from "../../../src/compliance/interfaces/IKeelCompliance.sol";

/// @notice A live token with one module under test bound to its compliance.
abstract contract ModuleFixture is TokenFixture {
    address internal moduleAddr;

    function _deployModule() internal virtual returns (address);

    function setUp() public virtual override {
        super.setUp();
        moduleAddr = _deployModule();
        compliance.addModule(moduleAddr);
        _unpause();
    }

    function _cfg(bytes memory callData) internal {
        compliance.callModuleFunction(callData, moduleAddr);
    }

    function _rejected(bytes memory reason) internal view returns (bytes memory) {
        return abi.encodeWithSelector(IKeelCompliance.ComplianceModuleRejected.selector, moduleAddr, reason);
    }

    function _send(address from, address to, uint256 amount) internal {
        vm.prank(from);
        token.transfer(to, amount);
    }

    function _forced(address from, address to, uint256 amount) internal {
        vm.prank(custodian);
        token.forcedTransfer(from, to, amount);
    }

    function _rebind() internal {
        compliance.removeModule(moduleAddr);
        compliance.addModule(moduleAddr);
    }
}
