// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IComplianceModule} from "../interfaces/IComplianceModule.sol";
import {IToken} from "../../interfaces/erc3643/IToken.sol";
import {IIdentityRegistry} from "../../interfaces/erc3643/IIdentityRegistry.sol";

/// @title Base of Keel's compliance modules: per-engine epochs and access checks.
/// @dev Config and state live under `_scope(engine)` = keccak256(engine, epoch). Binding
/// or unbinding bumps the epoch, so a re-added module starts from empty config and
/// state without iterating over old entries.
abstract contract ComplianceModuleBase is IComplianceModule {
    error OnlyBoundEngine(address caller);

    event ModuleBound(address indexed engine, uint256 epoch);
    event ModuleUnbound(address indexed engine, uint256 epoch);

    mapping(address engine => uint256) public epochOf;
    mapping(address engine => bool) public isBoundTo;

    modifier onlyEngine() {
        if (!isBoundTo[msg.sender]) revert OnlyBoundEngine(msg.sender);
        _;
    }

    function onBind() external {
        uint256 e = ++epochOf[msg.sender];
        isBoundTo[msg.sender] = true;
        emit ModuleBound(msg.sender, e);
    }

    function onUnbind() external {
        uint256 e = ++epochOf[msg.sender];
        isBoundTo[msg.sender] = false;
        emit ModuleUnbound(msg.sender, e);
    }

    function transferred(address, address, address, uint256) external virtual onlyEngine {}

    function created(address, address, uint256) external virtual onlyEngine {}

    function destroyed(address, address, uint256) external virtual onlyEngine {}

    function _scope(address engine) internal view returns (bytes32) {
        return keccak256(abi.encode(engine, epochOf[engine]));
    }

    function _identityRegistry(address token) internal view returns (IIdentityRegistry) {
        return IToken(token).identityRegistry();
    }
}
