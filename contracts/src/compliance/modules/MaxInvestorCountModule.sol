// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ComplianceModuleBase} from "./ComplianceModuleBase.sol";
import {ModuleHooks} from "../interfaces/IComplianceModule.sol";

/// @title Max investor count, overall and per country.
/// @notice An investor is an identity (ERC-3643): all wallets the token's identity
/// registry maps to one identity are one investor, and a recovery to a new wallet of the
/// same identity does not change the count. An identity is counted while at least one of
/// its wallets holds a non-zero balance. A wallet with no identity in the registry counts
/// as its own investor.
/// Each wallet is attributed to its identity when it starts holding and stays attributed
/// to it until its balance returns to zero, so the counts stay exact even if the registry
/// changes the wallet's identity meanwhile. An investor's country is recorded when it
/// becomes an investor, so per-country counts stay exact if the registry's country changes.
/// Forced transfers, recoveries, mints and burns all go through the hooks.
/// @dev Counts start when the module is bound: bind it before the first mint.
contract MaxInvestorCountModule is ComplianceModuleBase {
    error MaxInvestorsExceeded(uint256 holdersAfter, uint256 maxInvestors);
    error MaxInvestorsPerCountryExceeded(uint16 country, uint256 holdersAfter, uint256 maxInvestors);

    event MaxInvestorsSet(address indexed engine, uint256 maxInvestors);
    event MaxInvestorsPerCountrySet(address indexed engine, uint16 indexed country, uint256 maxInvestors);

    struct Limits {
        uint256 maxInvestors;
        mapping(uint16 country => uint256) perCountry; // 0 = no per-country limit
    }

    struct Counts {
        uint256 holders; // investors (identities) with a non-zero balance
        mapping(uint16 country => uint256) perCountry;
        mapping(address wallet => address) investorOf; // identity a holding wallet is counted under
        mapping(address investor => uint256) holdingWallets; // its wallets with a non-zero balance
        mapping(address investor => uint16) investorCountry; // recorded when it became an investor
    }

    mapping(bytes32 scope => Limits) private _limits;
    mapping(bytes32 scope => mapping(address token => Counts)) private _counts;

    function hooks() external pure returns (uint8) {
        return ModuleHooks.ALL;
    }

    function name() external pure returns (string memory) {
        return "MaxInvestorCount";
    }

    function setMaxInvestors(uint256 maxInvestors_) external onlyEngine {
        _limits[_scope(msg.sender)].maxInvestors = maxInvestors_;
        emit MaxInvestorsSet(msg.sender, maxInvestors_);
    }

    function setMaxInvestorsPerCountry(uint16 country, uint256 maxInvestors_) external onlyEngine {
        _limits[_scope(msg.sender)].perCountry[country] = maxInvestors_;
        emit MaxInvestorsPerCountrySet(msg.sender, country, maxInvestors_);
    }

    /// @notice Number of investors (identities) holding `token`.
    function holderCount(address engine, address token) external view returns (uint256) {
        return _counts[_scope(engine)][token].holders;
    }

    function holderCountByCountry(address engine, address token, uint16 country) external view returns (uint256) {
        return _counts[_scope(engine)][token].perCountry[country];
    }

    /// @notice The investor (identity, or the wallet itself without one) `wallet`'s balance
    /// is counted under; address(0) while the wallet holds nothing.
    function investorOf(address engine, address token, address wallet) external view returns (address) {
        return _counts[_scope(engine)][token].investorOf[wallet];
    }

    /// @notice How many wallets of `investor` hold `token`.
    function holdingWalletsOf(address engine, address token, address investor) external view returns (uint256) {
        return _counts[_scope(engine)][token].holdingWallets[investor];
    }

    function checkTransfer(address token, address from, address to, uint256 value) external view {
        if (value == 0 || from == to || IERC20(token).balanceOf(to) != 0) return;
        bytes32 scope = _scope(msg.sender);
        Counts storage c = _counts[scope][token];
        address toInvestor = _investorKey(token, to);
        // Another wallet of the recipient's identity already holds: no new investor.
        if (c.holdingWallets[toInvestor] != 0) return;
        Limits storage l = _limits[scope];
        address fromInvestor = from == address(0) ? address(0) : c.investorOf[from];
        bool senderLeaves = fromInvestor != address(0) && IERC20(token).balanceOf(from) == value
            && c.holdingWallets[fromInvestor] == 1;
        uint256 holdersAfter = senderLeaves ? c.holders : c.holders + 1;
        if (holdersAfter > l.maxInvestors) revert MaxInvestorsExceeded(holdersAfter, l.maxInvestors);
        uint16 country = _identityRegistry(token).investorCountry(to);
        uint256 countryMax = l.perCountry[country];
        if (countryMax != 0) {
            uint256 inCountry = c.perCountry[country];
            if (!(senderLeaves && c.investorCountry[fromInvestor] == country)) inCountry += 1;
            if (inCountry > countryMax) revert MaxInvestorsPerCountryExceeded(country, inCountry, countryMax);
        }
    }

    function transferred(address token, address from, address to, uint256 value) external override onlyEngine {
        if (value == 0 || from == to) return;
        Counts storage c = _counts[_scope(msg.sender)][token];
        // Receive first: a move between wallets of one identity (e.g. a recovery) never
        // takes the investor's count through zero.
        _onReceive(c, token, to, value);
        _onSend(c, token, from);
    }

    function created(address token, address to, uint256 value) external override onlyEngine {
        if (value == 0) return;
        _onReceive(_counts[_scope(msg.sender)][token], token, to, value);
    }

    function destroyed(address token, address from, uint256 value) external override onlyEngine {
        if (value == 0) return;
        _onSend(_counts[_scope(msg.sender)][token], token, from);
    }

    /// @dev The identity `wallet` belongs to, or the wallet itself when it has none.
    function _investorKey(address token, address wallet) private view returns (address investor) {
        investor = address(_identityRegistry(token).identity(wallet));
        if (investor == address(0)) investor = wallet;
    }

    /// @dev Called after the balance update: the wallet starts holding iff its balance equals value.
    function _onReceive(Counts storage c, address token, address to, uint256 value) private {
        if (IERC20(token).balanceOf(to) != value || c.investorOf[to] != address(0)) return;
        address investor = _investorKey(token, to);
        c.investorOf[to] = investor;
        if (c.holdingWallets[investor]++ != 0) return;
        uint16 country = _identityRegistry(token).investorCountry(to);
        c.holders += 1;
        c.perCountry[country] += 1;
        c.investorCountry[investor] = country;
    }

    function _onSend(Counts storage c, address token, address from) private {
        if (IERC20(token).balanceOf(from) != 0) return;
        address investor = c.investorOf[from];
        // Not counted: a holder that existed before the module was bound.
        if (investor == address(0)) return;
        delete c.investorOf[from];
        if (--c.holdingWallets[investor] != 0) return;
        if (c.holders != 0) c.holders -= 1;
        uint16 country = c.investorCountry[investor];
        if (c.perCountry[country] != 0) c.perCountry[country] -= 1;
        delete c.investorCountry[investor];
    }
}
