// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";
import {IIdentityRegistry} from "../../interfaces/erc3643/IIdentityRegistry.sol";

/// @title Max balance per investor: the tokens held by all wallets of one identity may
/// not exceed `maxBalance` after a movement. Moves between wallets of the same
/// identity are always fine.
/// @dev Holdings are tracked per identity by the hooks (wallets without an identity in
/// the registry are tracked under their own address). Hooks never revert, so a forced
/// transfer may leave an investor above the limit; the investor can still send.
/// Bind the module before the first mint (holdings start at zero when bound).
contract MaxBalanceModule is ComplianceModuleBase {
    error MaxBalanceExceeded(address investor, uint256 balanceAfter, uint256 maxBalance);

    event MaxBalanceSet(address indexed engine, uint256 maxBalance);

    mapping(bytes32 scope => uint256) private _max;
    mapping(bytes32 scope => mapping(address token => mapping(address investor => uint256))) private _holdings;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "MaxBalance";
    }

    function setMaxBalance(uint256 maxBalance_) external onlyEngine {
        _max[_scope(msg.sender)] = maxBalance_;
        emit MaxBalanceSet(msg.sender, maxBalance_);
    }

    function maxBalance(address engine) external view returns (uint256) {
        return _max[_scope(engine)];
    }

    /// @notice Tokens of `token` held by all wallets of `investor` (an identity address).
    function investorBalance(address engine, address token, address investor) external view returns (uint256) {
        return _holdings[_scope(engine)][token][investor];
    }

    function checkTransfer(address token, address from, address to, uint256 value) external view {
        IIdentityRegistry ir = _identityRegistry(token);
        address toInvestor = _investor(ir, to);
        if (from != address(0) && _investor(ir, from) == toInvestor) return;
        bytes32 scope = _scope(msg.sender);
        uint256 max = _max[scope];
        uint256 balanceAfter = _holdings[scope][token][toInvestor] + value;
        if (balanceAfter > max) revert MaxBalanceExceeded(toInvestor, balanceAfter, max);
    }

    function transferred(address token, address from, address to, uint256 value) external override onlyEngine {
        IIdentityRegistry ir = _identityRegistry(token);
        mapping(address => uint256) storage h = _holdings[_scope(msg.sender)][token];
        address fromInvestor = _investor(ir, from);
        address toInvestor = _investor(ir, to);
        if (fromInvestor == toInvestor) return;
        uint256 held = h[fromInvestor];
        h[fromInvestor] = held > value ? held - value : 0;
        h[toInvestor] += value;
    }

    function created(address token, address to, uint256 value) external override onlyEngine {
        _holdings[_scope(msg.sender)][token][_investor(_identityRegistry(token), to)] += value;
    }

    function destroyed(address token, address from, uint256 value) external override onlyEngine {
        mapping(address => uint256) storage h = _holdings[_scope(msg.sender)][token];
        address investor = _investor(_identityRegistry(token), from);
        uint256 held = h[investor];
        h[investor] = held > value ? held - value : 0;
    }

    function _investor(IIdentityRegistry ir, address wallet) private view returns (address) {
        address id = address(ir.identity(wallet));
        return id == address(0) ? wallet : id;
    }
}
